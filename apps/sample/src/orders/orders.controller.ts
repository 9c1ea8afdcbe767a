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
   * Sending the same `Idempotency-Key` again while the first order is still being processed is
   * refused with 409, and names that order.
   */
  @Post()
  @HttpCode(HttpStatus.ACCEPTED)
  @ApiHeader({ name: 'Idempotency-Key', required: false, description: 'Makes retried submissions safe: one order per key at a time' })
  @ApiAcceptedResponse({ type: PlacedOrderView })
  @ApiBadRequestResponse({ description: 'The body or the Idempotency-Key is invalid' })
  @ApiConflictResponse({ description: 'An order with this Idempotency-Key is still being processed' })
  async place(@Body() body: CreateOrderDto, @IdempotencyKey() idempotencyKey?: string): Promise<PlacedOrderView> {
    try {
      return this.views.placed(await this.orders.place(body, idempotencyKey));
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
