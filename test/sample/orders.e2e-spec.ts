import type { INestApplication } from '@nestjs/common';
import { DurexClient, EventType } from 'nestjs-durex';
import request from 'supertest';
import { UnitOfWork } from '../../apps/sample/src/database/unit-of-work.service.js';
import { StockItem } from '../../apps/sample/src/inventory/stock-item.entity.js';
import { SEED_STOCK } from '../../apps/sample/src/inventory/stock.seed.js';
import type { OrderView, WorkflowStepView } from '../../apps/sample/src/orders/dto/order-view.dto.js';
import { Order } from '../../apps/sample/src/orders/order.entity.js';
import { Payment } from '../../apps/sample/src/payments/payment.entity.js';
import { TEST_CARDS } from '../../apps/sample/src/payments/test-cards.js';
import { anOrder, placeOrder, SAMPLE_DATABASES, type SampleApp, startSampleApp, TEST_ENV, waitForOrder, workflowSettled } from './sample-app.js';

/** The sample order (see anOrder): 2 mugs and 3 sticker packs. */
const MUGS = 2;
const STICKERS = 3;

describe.each(SAMPLE_DATABASES)('the sample order service on %s', (database) => {
  let sample: SampleApp;
  let app: INestApplication;

  beforeEach(async () => {
    sample = await startSampleApp(database);
    app = sample.app;
  });

  afterEach(() => sample.dispose());

  const stockOf = async (sku: string) => (await app.get(UnitOfWork).run((manager) => manager.findOneByOrFail(StockItem, { sku }))).available;
  const seeded = (sku: string) => SEED_STOCK.find((item) => item.sku === sku)!.available;
  const step = (order: OrderView, name: string) => order.workflow.filter((s) => s.name === name);
  const names = (steps: WorkflowStepView[]) => steps.map((s) => `${s.name}:${s.status}`);

  it('completes an order: stock taken, payment captured, one email per line item', async () => {
    const id = await placeOrder(app, anOrder());

    const order = await waitForOrder(app, id, (o) => o.status === 'COMPLETED' && o.emails.length === 2 && workflowSettled(o), 'completed');
    expect(order.total).toBe(MUGS * 12.5 + STICKERS * 1.99);
    expect(order.payment).toMatchObject({ status: 'CAPTURED', amount: order.total, refundedAt: null });
    expect(order.reservations.map((r) => [r.sku, r.quantity, r.status])).toEqual([
      ['MUG-BLUE', MUGS, 'FULFILLED'],
      ['STICKER-PACK', STICKERS, 'FULFILLED'],
    ]);
    expect(order.emails.map((e) => [e.to, e.subject]).sort()).toEqual([
      ['ada@example.com', 'Your MUG-BLUE is on its way'],
      ['ada@example.com', 'Your STICKER-PACK is on its way'],
    ]);
    expect(order.trackingNumber).toMatch(/^TRK/);
    expect(names(order.workflow)).toEqual([
      'validateOrder:COMPLETED',
      'reserveInventory:COMPLETED',
      'chargePayment:COMPLETED',
      'shipOrder:COMPLETED',
      'sendConfirmation:COMPLETED',
      'sendOrderEmail:COMPLETED',
      'sendOrderEmail:COMPLETED',
    ]);
    expect(await stockOf('MUG-BLUE')).toBe(seeded('MUG-BLUE') - MUGS);
    expect(await stockOf('STICKER-PACK')).toBe(seeded('STICKER-PACK') - STICKERS);
  });

  it('retries a flaky gateway with exponential backoff until the charge goes through', async () => {
    const id = await placeOrder(app, anOrder(TEST_CARDS.flaky));

    const order = await waitForOrder(app, id, (o) => o.status === 'COMPLETED', 'completed');
    const [charge] = step(order, 'chargePayment');
    expect(charge).toMatchObject({ status: 'COMPLETED', attempt: 3 });
    expect(order.payment?.status).toBe('CAPTURED');

    // Two failures, each followed by a wait of at least the backoff: 100 ms, then 200 ms.
    const history = await app.get(DurexClient).history(charge!.id);
    const failedAt = history.filter((e) => e.type === EventType.FAILED).map((e) => e.timestamp.getTime());
    const startedAt = history.filter((e) => e.type === EventType.STARTED).map((e) => e.timestamp.getTime());
    expect(failedAt).toHaveLength(2);
    expect(startedAt[1]! - failedAt[0]!).toBeGreaterThanOrEqual(100);
    expect(startedAt[2]! - failedAt[1]!).toBeGreaterThanOrEqual(200);
  });

  it('refunds the payment and releases the stock when the fraud check fails after the capture', async () => {
    const id = await placeOrder(app, anOrder(TEST_CARDS.fraudulent));

    const order = await waitForOrder(app, id, (o) => o.status === 'FAILED' && workflowSettled(o), 'failed and compensated');
    expect(order.failureReason).toMatch(/^payment failed: charge ch_\w+ was flagged by the fraud check$/);
    expect(order.payment).toMatchObject({ status: 'REFUNDED', refundId: expect.stringMatching(/^re_/) });
    expect(order.payment?.refundedAt).not.toBeNull();
    expect(order.reservations.every((r) => r.status === 'RELEASED' && r.releasedAt !== null)).toBe(true);
    // A PermanentError: no retries were spent.
    expect(step(order, 'chargePayment')).toMatchObject([{ status: 'FAILED', attempt: 1 }]);
    expect(names(order.workflow).slice(3).sort()).toEqual(['refundPayment:COMPLETED', 'releaseStock:COMPLETED']);
    expect(await stockOf('MUG-BLUE')).toBe(seeded('MUG-BLUE'));
    expect(await stockOf('STICKER-PACK')).toBe(seeded('STICKER-PACK'));
    expect(order.emails).toEqual([]);
  });

  it('releases the stock, and refunds nothing, when the card is declined', async () => {
    const id = await placeOrder(app, anOrder(TEST_CARDS.declined));

    const order = await waitForOrder(app, id, (o) => o.status === 'FAILED' && workflowSettled(o), 'failed and compensated');
    expect(order.failureReason).toBe('payment failed: the card was declined by its issuer');
    expect(order.payment).toBeNull();
    expect(step(order, 'chargePayment')).toMatchObject([{ status: 'FAILED', attempt: 1 }]);
    expect(step(order, 'refundPayment')).toEqual([]);
    expect(step(order, 'releaseStock')).toMatchObject([{ status: 'COMPLETED' }]);
    expect(order.reservations.map((r) => r.status)).toEqual(['RELEASED', 'RELEASED']);
    expect(await stockOf('MUG-BLUE')).toBe(seeded('MUG-BLUE'));
  });

  it('cancels the order and releases the stock when the payment is still retrying at its deadline', async () => {
    const id = await placeOrder(app, anOrder(TEST_CARDS.unreachable));

    const order = await waitForOrder(app, id, (o) => o.status === 'CANCELLED' && workflowSettled(o), 'cancelled and compensated');
    expect(order.failureReason).toBe('payment not completed within 2000 ms');
    const [charge] = step(order, 'chargePayment');
    expect(charge?.status).toBe('EXPIRED');
    expect(charge?.attempt).toBeGreaterThan(1);
    const failures = (await app.get(DurexClient).history(charge!.id)).filter((e) => e.type === EventType.FAILED);
    expect(failures.map((e) => e.error)).toEqual(failures.map(() => 'the payment gateway is unreachable'));
    expect(order.payment).toBeNull();
    expect(step(order, 'releaseStock')).toMatchObject([{ status: 'COMPLETED' }]);
    expect(await stockOf('MUG-BLUE')).toBe(seeded('MUG-BLUE'));
    expect(await stockOf('STICKER-PACK')).toBe(seeded('STICKER-PACK'));
  });

  it('refunds and releases when shipping fails after the payment', async () => {
    const id = await placeOrder(app, anOrder(TEST_CARDS.succeeds, 'XX'));

    const order = await waitForOrder(app, id, (o) => o.status === 'FAILED' && workflowSettled(o), 'failed and compensated');
    expect(order.failureReason).toBe('shipping failed: no carrier delivers to XX');
    expect(step(order, 'chargePayment')).toMatchObject([{ status: 'COMPLETED' }]);
    expect(step(order, 'shipOrder')).toMatchObject([{ status: 'FAILED', attempt: 1 }]);
    expect(order.payment?.status).toBe('REFUNDED');
    expect(order.reservations.map((r) => r.status)).toEqual(['RELEASED', 'RELEASED']);
    expect(names(order.workflow).slice(4).sort()).toEqual(['refundPayment:COMPLETED', 'releaseStock:COMPLETED']);
    expect(await stockOf('MUG-BLUE')).toBe(seeded('MUG-BLUE'));
  });

  const countOf = (entity: typeof Order | typeof Payment) => app.get(UnitOfWork).run((manager) => manager.count(entity));
  const resubmit = (key: string) => request(app.getHttpServer()).post('/orders').set('Idempotency-Key', key).send(anOrder());

  it('answers a resubmission during the workflow with the first order, storing nothing', async () => {
    // The unreachable card keeps the first workflow busy until the payment deadline.
    const first = await placeOrder(app, anOrder(TEST_CARDS.unreachable), { 'Idempotency-Key': 'checkout-7f3a' });

    const second = await resubmit('checkout-7f3a').expect(200);
    expect(second.headers['idempotent-replayed']).toBe('true');
    expect(second.body).toEqual({ id: first, status: expect.any(String), links: { self: `/orders/${first}` } });
    const order = await request(app.getHttpServer()).get(`/orders/${first}`).expect(200);
    expect(workflowSettled(order.body as OrderView)).toBe(false);
    expect(await countOf(Order)).toBe(1);
    expect(await app.get(DurexClient).find({ name: 'validateOrder' })).toHaveLength(1);
  });

  it('answers a resubmission after the order COMPLETED with that order: no second order, charge or email', async () => {
    const first = await placeOrder(app, anOrder(), { 'Idempotency-Key': 'checkout-done' });
    await waitForOrder(app, first, (o) => o.status === 'COMPLETED' && o.emails.length === 2 && workflowSettled(o), 'completed');

    // durex released its unique key with the workflow; the orders table still knows the key.
    const second = await resubmit('checkout-done').expect(200);
    expect(second.body).toEqual({ id: first, status: 'COMPLETED', links: { self: `/orders/${first}` } });
    expect(await countOf(Order)).toBe(1);
    expect(await countOf(Payment)).toBe(1);
    expect(await app.get(DurexClient).find({ name: 'validateOrder' })).toHaveLength(1);
    expect((await waitForOrder(app, first, workflowSettled, 'settled')).emails).toHaveLength(2);
  });

  it('stores one order when submissions with one Idempotency-Key race, and answers each with it', async () => {
    const responses = await Promise.all(Array.from({ length: 5 }, () => resubmit('checkout-race')));

    expect(responses.map((r) => r.status).sort()).toEqual([200, 200, 200, 200, 202]);
    const ids = new Set(responses.map((r) => (r.body as { id: string }).id));
    expect(ids.size).toBe(1);
    expect(await countOf(Order)).toBe(1);
    expect(await app.get(DurexClient).find({ name: 'validateOrder' })).toHaveLength(1);
  });

  it('starts at most EMAIL_RATE_MAX emails in any EMAIL_RATE_WINDOW_MS', async () => {
    const max = Number(TEST_ENV.EMAIL_RATE_MAX);
    const per = Number(TEST_ENV.EMAIL_RATE_WINDOW_MS);

    // Three orders of two lines: six emails, three times what one window lets start.
    const ids = await Promise.all([1, 2, 3].map(() => placeOrder(app, anOrder())));
    for (const id of ids) await waitForOrder(app, id, (o) => o.emails.length === 2 && workflowSettled(o), 'emails sent');

    const durex = app.get(DurexClient);
    const emails = await durex.find({ name: 'sendOrderEmail' });
    expect(emails).toHaveLength(6);
    const histories = await Promise.all(emails.map((email) => durex.history(email.id)));
    const starts = histories
      .flat()
      .filter((event) => event.type === EventType.STARTED)
      .map((event) => event.timestamp.getTime())
      .sort((a, b) => a - b);
    // A window is half-open: the start `max` places later is `per` or more after this one.
    const crowded = starts.slice(max).filter((start, i) => start - starts[i]! < per);
    expect(crowded).toEqual([]);
    expect(starts.at(-1)! - starts[0]!).toBeGreaterThanOrEqual(2 * per);
  });

  it('runs every step of the workflow under the trace id of the request', async () => {
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    const response = await request(app.getHttpServer())
      .post('/orders')
      .set('traceparent', `00-${traceId}-00f067aa0ba902b7-01`)
      .send(anOrder())
      .expect(202);
    expect(response.headers['x-trace-id']).toBe(traceId);

    const order = await waitForOrder(app, response.body.id, (o) => o.emails.length === 2 && workflowSettled(o), 'completed');
    expect(order.workflow).toHaveLength(7);
    expect(order.workflow.map((s) => s.traceId)).toEqual(order.workflow.map(() => traceId));
  });

  it('takes the trace id from x-request-id, or makes one, and sends it back', async () => {
    const server = app.getHttpServer();
    const fromRequestId = await request(server).get('/health').set('x-request-id', 'req-42').expect(200);
    expect(fromRequestId.headers['x-trace-id']).toBe('req-42');
    const invalidParent = await request(server).get('/health').set('traceparent', `00-${'0'.repeat(32)}-00f067aa0ba902b7-01`).expect(200);
    expect(invalidParent.headers['x-trace-id']).toMatch(/^[0-9a-f]{32}$/);
    expect(invalidParent.headers['x-trace-id']).not.toBe('0'.repeat(32));
  });

  it('lists the most recent orders', async () => {
    const server = app.getHttpServer();
    const ids = [await placeOrder(app, anOrder()), await placeOrder(app, anOrder())];

    const all = await request(server).get('/orders').expect(200);
    expect(all.body.map((o: { id: string }) => o.id).sort()).toEqual([...ids].sort());
    expect(all.body[0]).toMatchObject({ total: MUGS * 12.5 + STICKERS * 1.99, links: { self: `/orders/${all.body[0].id}` } });
    expect((await request(server).get('/orders?limit=1').expect(200)).body).toHaveLength(1);
    await request(server).get('/orders?limit=0').expect(400);
  });

  it('rejects invalid input with 400 and a message, and unknown orders with 404', async () => {
    const server = app.getHttpServer();
    const bad = { ...anOrder(), lines: [{ sku: 'MUG-BLUE', quantity: 0, unitPrice: 1.234 }], shippingAddress: { ...anOrder().shippingAddress, country: 'gb' }, cardNumber: '1234' };
    const rejected = await request(server).post('/orders').send(bad).expect(400);
    expect(rejected.body.message).toEqual(
      expect.arrayContaining([
        'lines.0.quantity must not be less than 1',
        'lines.0.unitPrice must be a number conforming to the specified constraints',
        'shippingAddress.country must be an ISO 3166-1 alpha-2 code in capitals, such as GB',
        'cardNumber must be a credit card',
      ]),
    );
    const badKey = await request(server).post('/orders').set('Idempotency-Key', 'has spaces').send(anOrder()).expect(400);
    expect(badKey.body.message).toBe('Idempotency-Key must be 1 to 200 visible ASCII characters');
    expect(await app.get(UnitOfWork).run((manager) => manager.count(Order))).toBe(0);

    await request(server).get('/orders/00000000-0000-4000-8000-00000000000f').expect(404);
    await request(server).get('/orders/not-a-uuid').expect(400);
  });
});
