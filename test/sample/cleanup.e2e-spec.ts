import { DurexClient, EventType } from 'nestjs-durex';
import { UnitOfWork } from '../../apps/sample/src/database/unit-of-work.service.js';
import { OrderStatus } from '../../apps/sample/src/orders/order-status.js';
import { Order } from '../../apps/sample/src/orders/order.entity.js';
import { waitFor } from '../support/wait-for.js';
import { anOrder, SAMPLE_DATABASES, type SampleApp, startSampleApp, TEST_ENV, waitForOrder } from './sample-app.js';

// The cleanup runs every 100 ms here, instead of every 5 minutes.
const ENV = { ...TEST_ENV, CLEANUP_PERIOD_MS: '100' };

describe.each(SAMPLE_DATABASES)('the abandoned-order cleanup on %s', (database) => {
  let sample: SampleApp;

  beforeEach(async () => {
    sample = await startSampleApp(database, ENV);
  });

  afterEach(() => sample.dispose());

  const storeOrder = (id: string, placedAgoMs: number) =>
    sample.app.get(UnitOfWork).run((manager) =>
      manager.save(
        manager.create(Order, {
          id,
          status: OrderStatus.PLACED,
          customerEmail: 'late@example.com',
          shippingAddress: anOrder().shippingAddress,
          paymentToken: 'tok_test',
          cardLast4: '4242',
          totalCents: 100,
          lines: [],
          createdAt: new Date(Date.now() - placedAgoMs),
        }),
      ),
    );

  /** How many times the permanent cleanup command has completed a run. */
  const cleanupRuns = async () => {
    const durex = sample.app.get(DurexClient);
    const [cleanup] = await durex.find({ name: 'cleanupAbandonedOrders' });
    return cleanup ? (await durex.history(cleanup.id)).filter((event) => event.type === EventType.COMPLETED).length : 0;
  };

  it('cancels orders still PLACED an hour after they were placed, and leaves younger ones alone', async () => {
    // Stored without a workflow, as if the service had been down since they were placed.
    const abandoned = '00000000-0000-4000-8000-000000000001';
    const recent = '00000000-0000-4000-8000-000000000002';
    await storeOrder(abandoned, 2 * 3_600_000);
    await storeOrder(recent, 30 * 60_000);

    const order = await waitForOrder(sample.app, abandoned, (o) => o.status === 'CANCELLED', 'cancelled by the cleanup');
    expect(order.failureReason).toBe('abandoned: its workflow had not started 60 minutes after it was placed');
    // Two more runs of the cleanup later, the younger order is still untouched.
    const runs = await cleanupRuns();
    await waitFor(async () => (await cleanupRuns()) >= runs + 2, { description: 'two more cleanup runs' });
    const { status } = await sample.app.get(UnitOfWork).run((manager) => manager.findOneByOrFail(Order, { id: recent }));
    expect(status).toBe(OrderStatus.PLACED);
  });
});
