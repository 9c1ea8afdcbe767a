import { DurexClient } from 'nestjs-durex';
import request from 'supertest';
import { anOrder, placeOrder, SAMPLE_DATABASES, type SampleApp, startSampleApp, TEST_ENV, waitForOrder, workflowSettled } from './sample-app.js';

const ADMIN_TOKEN = 'test-admin-token';

describe.each(SAMPLE_DATABASES)('the operations surface of the sample on %s', (database) => {
  let sample: SampleApp;

  beforeEach(async () => {
    sample = await startSampleApp(database, { ...TEST_ENV, ADMIN_TOKEN });
  });

  afterEach(() => sample.dispose());

  it('guards the admin API with ADMIN_TOKEN and shows the workflow of an order there', async () => {
    const server = sample.app.getHttpServer();
    const id = await placeOrder(sample.app, anOrder());
    const order = await waitForOrder(sample.app, id, workflowSettled, 'settled');

    await request(server).get('/durex/stats').expect(401);
    await request(server).get('/durex/stats').set('Authorization', 'Bearer wrong-token').expect(401);
    const stats = await request(server).get('/durex/stats').set('Authorization', `Bearer ${ADMIN_TOKEN}`).expect(200);
    expect(stats.body.byName).toMatchObject({ validateOrder: 1, sendOrderEmail: 2 });
    const [first] = order.workflow;
    const instance = await request(server).get(`/durex/commands/${first!.id}`).set('Authorization', `Bearer ${ADMIN_TOKEN}`).expect(200);
    expect(instance.body).toMatchObject({ id: first!.id, name: 'validateOrder', correlationId: id, status: 'COMPLETED' });
  });

  it('serves the dashboard behind the same token, asking a browser for it as a Basic password', async () => {
    const server = sample.app.getHttpServer();
    const denied = await request(server).get('/durex/ui/').expect(401);
    expect(denied.headers['www-authenticate']).toMatch(/^Basic realm="durex"/);
    const basic = `Basic ${Buffer.from(`operator:${ADMIN_TOKEN}`).toString('base64')}`;
    const page = await request(server).get('/durex/ui/').set('Authorization', basic).expect(200);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    await request(server).get('/durex/stats').set('Authorization', basic).expect(200);
    await request(server).get('/durex/ui/').set('Authorization', 'Basic ' + Buffer.from('operator:wrong').toString('base64')).expect(401);
  });

  it('reports its health and durex metrics', async () => {
    const server = sample.app.getHttpServer();
    const id = await placeOrder(sample.app, anOrder());
    await waitForOrder(sample.app, id, workflowSettled, 'settled');

    const health = await request(server).get('/health').expect(200);
    expect(health.body).toMatchObject({
      status: 'ok',
      info: { database: { status: 'up' }, durex: { status: 'up', storage: 'up', executor: 'running' } },
    });
    // The queue size gauge is measured when the executor starts, every metricsInterval after, and at
    // each stats(): a delayed email added now waits in the queue, and stats() measures it at once
    // rather than at the next interval, five seconds on.
    const client = sample.app.get(DurexClient);
    const email = { orderId: id, messageKey: `${id}:later`, to: 'ops@example.com', subject: 'later', body: 'later' };
    await client.add({ name: 'sendOrderEmail', data: email, delay: 3_600_000 });
    expect((await client.stats()).queueSize).toBe(1);

    const metrics = await request(server).get('/metrics').expect(200);
    expect(metrics.headers['content-type']).toMatch(/^text\/plain/);
    expect(metrics.text).toContain('durex_commands_started_total{command="validateOrder"} 1');
    expect(metrics.text).toContain('durex_commands_started_total{command="sendOrderEmail"} 2');
    expect(metrics.text).toContain('durex_commands_completed_total{command="validateOrder"} 1');
    expect(metrics.text).toContain('durex_commands_completed_total{command="sendOrderEmail"} 2');
    expect(metrics.text).toContain('durex_command_duration_seconds_count{command="validateOrder"} 1');
    expect(metrics.text).toContain('durex_command_duration_seconds_count{command="sendOrderEmail"} 2');
    expect(metrics.text).toMatch(/^durex_queue_size 1$/m);
  });

  it('describes the orders API and the admin API in its OpenAPI document', async () => {
    const document = await request(sample.app.getHttpServer()).get('/docs-json').expect(200);
    expect(Object.keys(document.body.paths)).toEqual(expect.arrayContaining(['/orders', '/orders/{id}', '/health', '/durex/stats']));
    expect(Object.keys(document.body.paths)).not.toContain('/metrics');
  });
});
