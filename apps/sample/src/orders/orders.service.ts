import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { DuplicateCommandError, DurexClient } from 'nestjs-durex';
import { type EntityManager, In, LessThan, Not } from 'typeorm';
import { isUniqueViolation } from '../database/unique-violation.js';
import { UnitOfWork } from '../database/unit-of-work.service.js';
import { PaymentGateway } from '../payments/payment.gateway.js';
import { ORDER_STEPS } from '../workflow/order-workflow.js';
import type { CreateOrderDto } from './dto/create-order.dto.js';
import { OrderLine } from './order-line.entity.js';
import { FINAL_ORDER_STATUSES, OrderStatus } from './order-status.js';
import { Order } from './order.entity.js';

/**
 * What happened when a step tried to move its order on:
 * - `moved`: it did, and the step's work is to be done;
 * - `repeated`: the order is already there (the step ran before, and its process died before durex
 *   recorded the outcome), so the work is done and the workflow goes on;
 * - `halted`: the order went elsewhere (cancelled meanwhile), and the workflow stops.
 */
export type Advance = 'moved' | 'repeated' | 'halted';

/** What placing an order did. */
export interface Placement {
  order: Order;
  /** False when the Idempotency-Key had placed `order` before: nothing new was stored. */
  created: boolean;
}

/** Orders: placing them, and the status changes the workflow makes. */
@Injectable()
export class OrdersService {
  constructor(
    private readonly unitOfWork: UnitOfWork,
    private readonly durex: DurexClient,
    private readonly gateway: PaymentGateway,
  ) {}

  /**
   * Stores a new order and starts its workflow in one transaction: the workflow exists if and only if
   * the order does. An idempotency key places one order, ever: when an order was placed with it
   * before, whether its workflow still runs or has ended, that order is returned and nothing is
   * stored. Two requests racing with one key store one order; the other gets it too.
   */
  async place(request: CreateOrderDto, idempotencyKey: string | undefined): Promise<Placement> {
    try {
      return await this.unitOfWork.run(async (manager) => {
        const earlier = idempotencyKey === undefined ? null : await this.placedWith(manager, idempotencyKey);
        if (earlier) return { order: earlier, created: false };
        return { order: await this.create(manager, request, idempotencyKey), created: true };
      });
    } catch (error) {
      // A request with the same key committed between this one's look-up and its insert, and the
      // unique index (or durex's unique key) refused the second order: answer with the first.
      if (idempotencyKey === undefined || !(isUniqueViolation(error) || error instanceof DuplicateCommandError)) throw error;
      const earlier = await this.unitOfWork.run((manager) => this.placedWith(manager, idempotencyKey));
      if (!earlier) throw error;
      return { order: earlier, created: false };
    }
  }

  private async create(manager: EntityManager, request: CreateOrderDto, idempotencyKey: string | undefined): Promise<Order> {
    const card = this.gateway.tokenize(request.cardNumber);
    const id = randomUUID();
    const lines = request.lines.map(({ sku, quantity, unitPrice }) => ({ sku, quantity, unitPriceCents: Math.round(unitPrice * 100) }));
    const order = await manager.save(
      manager.create(Order, {
        id,
        status: OrderStatus.PLACED,
        idempotencyKey: idempotencyKey ?? null,
        customerEmail: request.customerEmail,
        shippingAddress: { ...request.shippingAddress },
        paymentToken: card.token,
        cardLast4: card.last4,
        totalCents: lines.reduce((sum, line) => sum + line.quantity * line.unitPriceCents, 0),
        lines: lines.map((line) => manager.create(OrderLine, line)),
      }),
    );
    await this.durex.add(
      {
        name: 'validateOrder',
        data: { orderId: id },
        sequence: ORDER_STEPS,
        // The orders table remembers the key for good; durex also holds it from step to step until
        // the workflow ends, so no second workflow for the key can run meanwhile, whoever enqueues it.
        uniqueKey: `order:${idempotencyKey ?? id}`,
        correlationId: id,
      },
      { manager },
    );
    return order;
  }

  /** The order placed with this Idempotency-Key, or null. */
  private placedWith(manager: EntityManager, idempotencyKey: string): Promise<Order | null> {
    return manager.findOneBy(Order, { idempotencyKey });
  }

  /** An order with its lines, or null. */
  find(manager: EntityManager, id: string): Promise<Order | null> {
    return manager.findOne(Order, { where: { id }, relations: { lines: true }, order: { lines: { id: 'ASC' } } });
  }

  /** An order with its lines. Throws TypeORM's EntityNotFoundError. */
  get(manager: EntityManager, id: string): Promise<Order> {
    return manager.findOneOrFail(Order, { where: { id }, relations: { lines: true }, order: { lines: { id: 'ASC' } } });
  }

  /** Moves an order from `from` to `to` (with `changes`), unless it is elsewhere. */
  async advance(manager: EntityManager, id: string, from: OrderStatus, to: OrderStatus, changes: Partial<Order> = {}): Promise<Advance> {
    const moved = await manager.update(Order, { id, status: from }, { ...changes, status: to });
    if (moved.affected) return 'moved';
    const order = await manager.findOneByOrFail(Order, { id });
    return order.status === to ? 'repeated' : 'halted';
  }

  /** Ends an order that has not ended yet as FAILED or CANCELLED, with the reason. Returns false if it had ended. */
  async end(manager: EntityManager, id: string, status: OrderStatus.FAILED | OrderStatus.CANCELLED, reason: string): Promise<boolean> {
    const ended = await manager.update(Order, { id, status: Not(In(FINAL_ORDER_STATUSES)) }, { status, failureReason: reason });
    return Boolean(ended.affected);
  }

  /** Cancels the orders still PLACED that were created before `cutoff`; returns their ids. */
  async cancelAbandoned(manager: EntityManager, cutoff: Date, reason: string): Promise<string[]> {
    const stale = await manager.find(Order, { select: { id: true }, where: { status: OrderStatus.PLACED, createdAt: LessThan(cutoff) } });
    const cancelled: string[] = [];
    for (const { id } of stale) {
      const changed = await manager.update(Order, { id, status: OrderStatus.PLACED }, { status: OrderStatus.CANCELLED, failureReason: reason });
      if (changed.affected) cancelled.push(id);
    }
    return cancelled;
  }
}
