import {
  Body,
  Controller,
  Delete,
  ForbiddenException,
  Get,
  HttpCode,
  HttpStatus,
  Inject,
  Param,
  Post,
  Query,
  type Type,
  UseFilters,
  UseGuards,
  UsePipes,
} from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiExtraModels,
  ApiForbiddenResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiServiceUnavailableResponse,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { Status } from '../../core/status.js';
import { Executor } from '../../engine/executor.js';
import type { InstanceQuery } from '../../storage/storage.interface.js';
import { DurexAdminValidationPipe } from './durex-admin-validation.pipe.js';
import { DUREX_ADMIN_API_TAG, DUREX_ADMIN_MODULE_OPTIONS } from './durex-admin.constants.js';
import { DurexAdminExceptionFilter } from './durex-admin.exception-filter.js';
import { readOnlyMessage } from './durex-admin.messages.js';
import { CancelByTagDto } from './dto/cancel-by-tag.dto.js';
import { CancelledResponseDto, PurgedResponseDto } from './dto/count-response.dto.js';
import { DlqQueryDto } from './dto/dlq-query.dto.js';
import { EnqueueCommandDto } from './dto/enqueue-command.dto.js';
import { ErrorResponseDto } from './dto/error-response.dto.js';
import { IdParamDto } from './dto/id-param.dto.js';
import { InstancePageDto } from './dto/instance-page.dto.js';
import { InstanceResponseDto } from './dto/instance-response.dto.js';
import { ListCommandsQueryDto } from './dto/list-commands-query.dto.js';
import { PageQueryDto } from './dto/page-query.dto.js';
import { PurgeDlqQueryDto } from './dto/purge-dlq-query.dto.js';
import { CommandClusterLimitDto, CommandRateDto, StatsResponseDto } from './dto/stats-response.dto.js';
import { ThroughputQueryDto } from './dto/throughput-query.dto.js';
import { ThroughputResponseDto } from './dto/throughput-response.dto.js';
import { countThroughput } from './durex-admin.throughput.js';
import type { DurexAdminGuard, DurexAdminModuleOptions } from './interfaces/durex-admin-module-options.interface.js';

const ID_PARAM = { name: 'id', description: 'The instance id.' } as const;
const INVALID = { type: ErrorResponseDto, description: 'A malformed request; the message names every culprit.' } as const;
const NOT_FOUND = { type: ErrorResponseDto, description: 'No instance has this id.' } as const;
const READ_ONLY = { type: ErrorResponseDto, description: 'The admin API is read-only (or a guard refused the request).' } as const;

/**
 * The admin routes. Mounted by {@link createDurexAdminController} under the registered path and
 * guard; this class carries everything that does not depend on them. Every input goes through the
 * ValidationPipe below and every failure through the exception filter, whatever the application's
 * global pipes and filters are, so the API answers the same in any application.
 */
@ApiTags(DUREX_ADMIN_API_TAG)
@ApiExtraModels(CommandRateDto, CommandClusterLimitDto)
@ApiBadRequestResponse(INVALID)
@ApiServiceUnavailableResponse({ type: ErrorResponseDto, description: 'The executor is stopping or storage is closed.' })
@UsePipes(DurexAdminValidationPipe)
@UseFilters(DurexAdminExceptionFilter)
export class DurexAdminController {
  constructor(
    private readonly executor: Executor,
    @Inject(DUREX_ADMIN_MODULE_OPTIONS) private readonly options: DurexAdminModuleOptions,
  ) {}

  @Get('commands')
  @ApiOperation({ summary: 'List command instances', description: 'Filtered and paged, newest first unless ordered otherwise.' })
  @ApiOkResponse({ type: InstancePageDto })
  async list(@Query() query: ListCommandsQueryDto): Promise<InstancePageDto> {
    return this.page(ListCommandsQueryDto.toFilter(query), query, { orderBy: query.orderBy, orderDesc: query.order === 'desc' });
  }

  @Post('commands')
  @ApiOperation({ summary: 'Enqueue a command', description: 'The spec is validated like `DurexClient.add`; nothing is stored when it is rejected.' })
  @ApiCreatedResponse({ type: InstanceResponseDto, description: 'The new instance, PENDING.' })
  @ApiConflictResponse({ type: ErrorResponseDto, description: 'An active instance holds the unique key.' })
  @ApiForbiddenResponse(READ_ONLY)
  async enqueue(@Body() body: EnqueueCommandDto): Promise<InstanceResponseDto> {
    this.assertWritable('enqueue commands');
    return InstanceResponseDto.from(await this.executor.add(EnqueueCommandDto.toSpec(body)), true);
  }

  @Post('commands/cancel-by-tag')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ summary: 'Cancel every active instance carrying a tag' })
  @ApiOkResponse({ type: CancelledResponseDto })
  @ApiForbiddenResponse(READ_ONLY)
  async cancelByTag(@Body() body: CancelByTagDto): Promise<CancelledResponseDto> {
    this.assertWritable('cancel commands');
    return { cancelled: await this.executor.cancelByTag(body.tag) };
  }

  @Get('commands/:id')
  @ApiOperation({ summary: 'One instance with its history' })
  @ApiParam(ID_PARAM)
  @ApiOkResponse({ type: InstanceResponseDto })
  @ApiNotFoundResponse(NOT_FOUND)
  async get(@Param() { id }: IdParamDto): Promise<InstanceResponseDto> {
    return InstanceResponseDto.from(await this.executor.get(id), true);
  }

  @Get('commands/:id/children')
  @ApiOperation({ summary: 'The children an instance spawned', description: 'Oldest first, paged.' })
  @ApiParam(ID_PARAM)
  @ApiOkResponse({ type: InstancePageDto })
  @ApiNotFoundResponse(NOT_FOUND)
  async children(@Param() { id }: IdParamDto, @Query() query: PageQueryDto): Promise<InstancePageDto> {
    const children = await this.page({ parentId: id }, query, { orderBy: 'createdAt' });
    // No children and no parent is a 404, not an empty page: the id is probably mistyped.
    if (children.total === 0) await this.executor.history(id);
    return children;
  }

  @Post('commands/:id/cancel')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ summary: 'Cancel an active instance', description: 'A running one has its ctx.signal aborted.' })
  @ApiParam(ID_PARAM)
  @ApiOkResponse({ type: InstanceResponseDto, description: 'The instance, CANCELLED.' })
  @ApiNotFoundResponse(NOT_FOUND)
  @ApiConflictResponse({ type: ErrorResponseDto, description: 'The instance already finished.' })
  @ApiForbiddenResponse(READ_ONLY)
  async cancel(@Param() { id }: IdParamDto): Promise<InstanceResponseDto> {
    return this.change('cancel commands', () => this.executor.cancel(id), id);
  }

  @Get('dlq')
  @ApiOperation({ summary: 'List the dead letter queue', description: 'Most recently failed first, paged.' })
  @ApiOkResponse({ type: InstancePageDto })
  async deadLettered(@Query() query: DlqQueryDto): Promise<InstancePageDto> {
    const filter: InstanceQuery = { status: Status.DEAD_LETTER, ...(query.name === undefined ? {} : { name: query.name }) };
    return this.page(filter, query, { orderBy: 'completedAt', orderDesc: true });
  }

  @Post('dlq/:id/replay')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ summary: 'Replay a dead-lettered instance', description: 'Back to PENDING with its full retry budget.' })
  @ApiParam(ID_PARAM)
  @ApiOkResponse({ type: InstanceResponseDto, description: 'The instance, PENDING again.' })
  @ApiNotFoundResponse(NOT_FOUND)
  @ApiConflictResponse({ type: ErrorResponseDto, description: 'The instance is not dead-lettered.' })
  @ApiForbiddenResponse(READ_ONLY)
  async replay(@Param() { id }: IdParamDto): Promise<InstanceResponseDto> {
    return this.change('replay commands', () => this.executor.replayFromDLQ(id), id);
  }

  @Delete('dlq')
  @ApiOperation({ summary: 'Purge the dead letter queue', description: 'Deletes instances that failed more than `olderThan` ms ago.' })
  @ApiOkResponse({ type: PurgedResponseDto })
  @ApiForbiddenResponse(READ_ONLY)
  async purge(@Query() query: PurgeDlqQueryDto): Promise<PurgedResponseDto> {
    this.assertWritable('purge the dead letter queue');
    return { purged: await this.executor.purgeDLQ(query.olderThan) };
  }

  @Get('stats')
  @ApiOperation({ summary: 'Queue and executor statistics', description: 'Counts by status and by name, queue size, workers, running attempts, per-process and cluster-wide limits with their usage.' })
  @ApiOkResponse({ type: StatsResponseDto })
  stats(): Promise<StatsResponseDto> {
    return this.executor.stats();
  }

  @Get('stats/throughput')
  @ApiOperation({
    summary: 'Finished instances over time',
    description: 'Completed, failed, expired and cancelled counts per time bucket over the window, oldest bucket first; the last one is still filling.',
  })
  @ApiOkResponse({ type: ThroughputResponseDto })
  throughput(@Query() query: ThroughputQueryDto): Promise<ThroughputResponseDto> {
    return countThroughput(this.executor.storage, { now: this.executor.options.clock.now(), window: query.window, bucket: query.bucket });
  }

  /** One page of the instances matching `filter`, with the total over all pages. */
  private async page(filter: InstanceQuery, paging: PageQueryDto, order: Pick<InstanceQuery, 'orderBy' | 'orderDesc'>): Promise<InstancePageDto> {
    const { limit, offset } = paging;
    const [items, total] = await Promise.all([this.executor.find({ ...filter, ...order, limit, offset }), this.executor.count(filter)]);
    return { items: items.map((instance) => InstanceResponseDto.from(instance)), total, limit, offset };
  }

  /** Applies a change to one instance and answers with the instance as it is afterwards. */
  private async change(operation: string, apply: () => Promise<void>, id: string): Promise<InstanceResponseDto> {
    this.assertWritable(operation);
    await apply();
    return InstanceResponseDto.from(await this.executor.get(id), true);
  }

  private assertWritable(operation: string): void {
    if (this.options.readOnly) throw new ForbiddenException(readOnlyMessage(operation));
  }
}

/**
 * The admin controller of one registration: {@link DurexAdminController} under `path`, behind
 * `guard` when one is given. A class per registration, because the route prefix and guards are
 * decorator metadata (terminus builds its e2e health controllers the same way).
 */
export function createDurexAdminController(path: string, guard: DurexAdminGuard | undefined): Type<DurexAdminController> {
  @Controller(path)
  class MountedDurexAdminController extends DurexAdminController {}
  if (guard) {
    UseGuards(guard)(MountedDurexAdminController);
    // A guard answers 401 by throwing UnauthorizedException (no or bad credentials) and 403 by returning false.
    ApiUnauthorizedResponse({ type: ErrorResponseDto, description: 'The guard found no valid credentials.' })(MountedDurexAdminController);
    ApiForbiddenResponse({ type: ErrorResponseDto, description: 'The guard refused the request.' })(MountedDurexAdminController);
  }
  // Nest logs the controller by class name when it maps the routes; keep the familiar one.
  Object.defineProperty(MountedDurexAdminController, 'name', { value: DurexAdminController.name });
  return MountedDurexAdminController;
}
