import type { INestApplication } from '@nestjs/common';
import { DurexClient, Status } from 'nestjs-durex';
import { Mailer } from '../../apps/sample/src/notifications/mailer.service.js';
import { Gate } from '../fixtures/gate.js';
import { waitFor } from '../support/wait-for.js';
import { anOrder, placeOrder, SAMPLE_DATABASES, type SampleApp, startSampleApp, TEST_ENV, waitForOrder, workflowSettled } from './sample-app.js';

// A provider rate far above what the test sends: only the per-process limit
// (`rateLimits: { sendOrderEmail: 2 }`) can hold emails back. orders.e2e-spec.ts tests the rate.
const ENV = { ...TEST_ENV, EMAIL_RATE_MAX: '1000', EMAIL_RATE_WINDOW_MS: '1000' };

describe.each(SAMPLE_DATABASES)('the sample email sending on %s', (database) => {
  let sample: SampleApp;
  let app: INestApplication;

  beforeEach(async () => {
    sample = await startSampleApp(database, ENV);
    app = sample.app;
  });

  afterEach(() => sample.dispose());

  it('sends at most two emails at once in a process while more are ready', async () => {
    const mailer = app.get(Mailer);
    const send = mailer.send.bind(mailer);
    const gate = new Gate();
    let sending = 0;
    let mostAtOnce = 0;
    vi.spyOn(mailer, 'send').mockImplementation(async (email, signal) => {
      mostAtOnce = Math.max(mostAtOnce, ++sending);
      try {
        await gate.opened;
        await send(email, signal);
      } finally {
        sending -= 1;
      }
    });
    const durex = app.get(DurexClient);
    const emails = (status: Status) => durex.count({ name: 'sendOrderEmail', status });

    try {
      // Three orders of two lines: six emails ready at once; the two sending hold them on the gate.
      const ids = await Promise.all([1, 2, 3].map(() => placeOrder(app, anOrder())));
      await waitFor(async () => sending === 2 && (await emails(Status.PENDING)) === 4, { description: 'two emails sending, four waiting' });
      // An order placed now is claimed and validated while the four wait: the executor claimed
      // since they were ready, and left them.
      const later = await placeOrder(app, anOrder());
      await waitForOrder(app, later, (o) => o.workflow.some((s) => s.name === 'validateOrder' && s.status === 'COMPLETED'), 'validated');
      expect(sending).toBe(2);
      expect(await emails(Status.STARTED)).toBe(2);
      expect(await emails(Status.PENDING)).toBeGreaterThanOrEqual(4);

      gate.open();
      for (const id of [...ids, later]) await waitForOrder(app, id, (o) => o.emails.length === 2 && workflowSettled(o), 'emails sent');
      expect(mostAtOnce).toBe(2);
    } finally {
      gate.open();
    }
  });
});
