import type { ServerResponse } from 'node:http';
import {
  Body,
  ConflictException,
  Controller,
  Get,
  HttpCode,
  HttpStatus,
  NotFoundException,
  Param,
  ParseUUIDPipe,
  Post,
  Query,
  Res,
  UsePipes,
  ValidationPipe,
} from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiHeader,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiTags,
} from '@nestjs/swagger';
import { DuplicateCommandError } from 'nestjs-durex';
import { CreateOrderDto } from './dto/create-order.dto.js';
import { ListOrdersQueryDto } from './dto/list-orders-query.dto.js';
import { OrderSummaryView, OrderView, PlacedOrderView } from './dto/order-view.dto.js';
import { IdempotencyKey } from './idempotency-key.decorator.js';
import { OrderViewService } from './order-view.service.js';
import { OrdersService } from './orders.service.js';

/** Placing orders and following them through their workflow. */
@ApiTags('orders')
@Controller('orders')
// On this controller rather than global: the admin API validates its own routes its own way.
@UsePipes(new ValidationPipe({ whitelist: true, forbidNonWhitelisted: true, transform: true }))
export class OrdersController {
  constructor(
    private readonly orders: OrdersService,
    private readonly views: OrderViewService,
  ) {}

  /**
   * Places an order. It is processed in the background: 202 with its link, to be followed with GET.
   * Sending an `Idempotency-Key` that placed an order before, while that order is processed or
   * after it ended, answers 200 with that order as it is now (and `Idempotent-Replayed: true`):
   * a retried submission never places a second order. The body of the retry is not looked at.
   */
  @Post()
  @HttpCode(HttpStatus.ACCEPTED)
  @ApiHeader({ name: 'Idempotency-Key', required: false, description: 'Makes retried submissions safe: one order per key, ever' })
  @ApiAcceptedResponse({ type: PlacedOrderView, description: 'The order is stored and its workflow queued' })
  @ApiOkResponse({ type: PlacedOrderView, description: 'This Idempotency-Key placed the order before; nothing new was stored' })
  @ApiBadRequestResponse({ description: 'The body or the Idempotency-Key is invalid' })
  @ApiConflictResponse({ description: 'A workflow holds this Idempotency-Key without an order stored under it' })
  async place(
    @Body() body: CreateOrderDto,
    @Res({ passthrough: true }) response: ServerResponse,
    @IdempotencyKey() idempotencyKey?: string,
  ): Promise<PlacedOrderView> {
    try {
      const { order, created } = await this.orders.place(body, idempotencyKey);
      if (!created) {
        response.statusCode = HttpStatus.OK;
        response.setHeader('Idempotent-Replayed', 'true');
      }
      return this.views.placed(order);
    } catch (error) {
      if (!(error instanceof DuplicateCommandError)) throw error;
      throw new ConflictException({
        statusCode: HttpStatus.CONFLICT,
        error: 'Conflict',
        message: `an order with Idempotency-Key "${idempotencyKey}" is still being processed; nothing was stored`,
        order: await this.views.original(error),
      });
    }
  }

  /** The most recent orders, newest first. */
  @Get()
  @ApiOkResponse({ type: [OrderSummaryView] })
  list(@Query() query: ListOrdersQueryDto): Promise<OrderSummaryView[]> {
    return this.views.recent(query.limit);
  }

  /** The order, its payment, reservations, emails and every step of its workflow. */
  @Get(':id')
  @ApiOkResponse({ type: OrderView })
  @ApiNotFoundResponse()
  async get(@Param('id', new ParseUUIDPipe()) id: string): Promise<OrderView> {
    const view = await this.views.view(id);
    if (!view) throw new NotFoundException(`order ${id} does not exist`);
    return view;
  }
}
