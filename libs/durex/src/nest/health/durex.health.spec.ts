import { HealthIndicatorService } from '@nestjs/terminus';
import { Test } from '@nestjs/testing';
import { InvalidOptionsError } from '../../core/errors/invalid-options.error.js';
import { StorageClosedError } from '../../core/errors/storage-closed.error.js';
import { Status } from '../../core/status.js';
import { Executor } from '../../engine/executor.js';
import { DUREX_STORAGE } from '../durex.constants.js';
import { DurexHealthIndicator } from './durex.health.js';

const NOW = Date.parse('2030-01-01T00:00:00.000Z');

/** The key of the session last asked for. */
let key = 'durex';

/** A session that composes results the way terminus does, and runs attempts without a real timeout. */
const healthIndicatorSessionMock = {
  up: vi.fn((data: object) => ({ [key]: { ...data, status: 'up' } })),
  down: vi.fn((data: object) => ({ [key]: { ...data, status: 'down' } })),
  attempt: vi.fn((fn: () => Promise<object | void>) => ({
    withTimeout: vi.fn(async () => {
      try {
        return { [key]: { ...(await fn()), status: 'up', responseTime: 1 } };
      } catch (error) {
        return { [key]: { status: 'down', message: (error as Error).message, responseTime: 1 } };
      }
    }),
  })),
};

const healthIndicatorServiceMock = {
  check: vi.fn((checked: string) => {
    key = checked;
    return healthIndicatorSessionMock;
  }),
};

const executorMock = { isRunning: vi.fn(() => true), options: { clock: { now: () => NOW } } };

const storageMock = {
  ping: vi.fn(async () => undefined),
  find: vi.fn(async () => [] as { readyAt: Date }[]),
  findExpiredLeases: vi.fn(async () => [] as unknown[]),
  count: vi.fn(async () => 0),
};

describe('DurexHealthIndicator', () => {
  let indicator: DurexHealthIndicator;

  beforeEach(async () => {
    vi.clearAllMocks();
    executorMock.isRunning.mockReturnValue(true);
    const module = await Test.createTestingModule({
      providers: [
        DurexHealthIndicator,
        { provide: HealthIndicatorService, useValue: healthIndicatorServiceMock },
        { provide: Executor, useValue: executorMock },
        { provide: DUREX_STORAGE, useValue: storageMock },
      ],
    }).compile();
    indicator = module.get(DurexHealthIndicator);
  });

  it('is up when storage answers and the executor runs, measuring nothing it was not asked to', async () => {
    const result = await indicator.isHealthy();
    expect(healthIndicatorServiceMock.check).toHaveBeenCalledWith('durex');
    expect(healthIndicatorSessionMock.up).toHaveBeenCalledWith({ storage: 'up', executor: 'running' });
    expect(result).toEqual({ durex: { status: 'up', storage: 'up', executor: 'running' } });
    expect(storageMock.ping).toHaveBeenCalledTimes(1);
    expect(storageMock.find).not.toHaveBeenCalled();
    expect(storageMock.count).not.toHaveBeenCalled();
    expect(storageMock.findExpiredLeases).not.toHaveBeenCalled();
  });

  it('pings storage under the given timeout', async () => {
    const result = await indicator.isHealthy('queue', { timeout: 250 });
    expect(healthIndicatorServiceMock.check).toHaveBeenCalledWith('queue');
    expect(result.queue.status).toBe('up');
    const attempt = healthIndicatorSessionMock.attempt.mock.results[0]!.value as { withTimeout: ReturnType<typeof vi.fn> };
    expect(attempt.withTimeout).toHaveBeenCalledWith(250);
  });

  it('is down with the reason when storage does not answer', async () => {
    storageMock.ping.mockRejectedValueOnce(new StorageClosedError());
    const result = await indicator.isHealthy();
    expect(healthIndicatorSessionMock.down).toHaveBeenCalledWith({ reason: 'durex storage is unreachable: durex: storage is closed', storage: 'down' });
    expect(result.durex.status).toBe('down');
    expect(healthIndicatorSessionMock.up).not.toHaveBeenCalled();
  });

  it('is down when the executor is not running', async () => {
    executorMock.isRunning.mockReturnValue(false);
    await indicator.isHealthy();
    expect(healthIndicatorSessionMock.down).toHaveBeenCalledWith({
      reason: expect.stringContaining('the durex executor is not running'),
      storage: 'up',
      executor: 'stopped',
    });
  });

  it('is up with the measurements when every threshold holds', async () => {
    storageMock.find.mockResolvedValueOnce([{ readyAt: new Date(NOW - 400) }]);
    storageMock.count.mockResolvedValueOnce(2);
    const result = await indicator.isHealthy('durex', { maxPendingAgeMs: 500, maxStuck: 0, maxDeadLetters: 2 });
    expect(result).toEqual({ durex: { status: 'up', storage: 'up', executor: 'running', pendingAgeMs: 400, stuck: 0, deadLetters: 2 } });
    expect(storageMock.find).toHaveBeenCalledWith({ status: Status.PENDING, orderBy: 'readyAt', limit: 1 });
    expect(storageMock.count).toHaveBeenCalledWith({ status: Status.DEAD_LETTER });
    expect(storageMock.findExpiredLeases).toHaveBeenCalledWith(new Date(NOW), 1_000);
  });

  it('counts a PENDING instance that is not ready yet as no backlog', async () => {
    storageMock.find.mockResolvedValueOnce([{ readyAt: new Date(NOW + 60_000) }]);
    const result = await indicator.isHealthy('durex', { maxPendingAgeMs: 0 });
    expect(result.durex).toMatchObject({ status: 'up', pendingAgeMs: 0 });
  });

  it('is down listing every breached threshold', async () => {
    storageMock.find.mockResolvedValueOnce([{ readyAt: new Date(NOW - 90_000) }]);
    storageMock.findExpiredLeases.mockResolvedValueOnce([{}, {}, {}]);
    storageMock.count.mockResolvedValueOnce(7);
    const result = await indicator.isHealthy('durex', { maxPendingAgeMs: 60_000, maxStuck: 1, maxDeadLetters: 5 });
    expect(result.durex).toMatchObject({ status: 'down', storage: 'up', executor: 'running', pendingAgeMs: 90_000, stuck: 3, deadLetters: 7 });
    const reason: string = result.durex.reason;
    expect(reason).toContain('the oldest ready PENDING instance has waited 90000 ms, over maxPendingAgeMs 60000');
    expect(reason).toContain('3 STARTED instances hold expired leases, over maxStuck 1');
    expect(reason).toContain('7 instances are in the dead letter queue, over maxDeadLetters 5');
  });

  it('is down when a measurement fails', async () => {
    storageMock.count.mockRejectedValueOnce(new Error('canceling statement due to statement timeout'));
    const result = await indicator.isHealthy('durex', { maxDeadLetters: 0 });
    expect(result.durex).toMatchObject({ status: 'down', reason: 'durex storage is unreachable: canceling statement due to statement timeout' });
  });

  it.each([['maxStuck', -1], ['maxPendingAgeMs', Number.NaN], ['timeout', '5s']])('rejects %s = %s', async (name, value) => {
    await expect(indicator.isHealthy('durex', { [name]: value })).rejects.toThrow(InvalidOptionsError);
    await expect(indicator.isHealthy('durex', { [name]: value })).rejects.toThrow(`DurexHealthIndicator ${name}: must be a number ≥ 0`);
  });
});
