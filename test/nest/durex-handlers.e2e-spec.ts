import { Type as TransformType } from 'class-transformer';
import { IsInt, IsString, Min, ValidateNested } from 'class-validator';
import {
  Command,
  type CommandHandler,
  constantBackoff,
  Expired,
  type Instance,
  InvalidSpecError,
  PermanentError,
  Recover,
  Result,
  Status,
} from 'nestjs-durex';
import { createDurexApp, type DurexTestApp, waitForInstances, waitForStatus } from '../fixtures/durex-app.js';
import { MailService } from '../fixtures/mail.service.js';
import { SendEmailCommand } from '../fixtures/send-email.command.js';
import { STORAGE_KINDS } from '../support/storages.js';

/** What the failure path saw: the error @Recover got and the child's run. */
const seen: { recoverError?: Error; childData?: unknown; expiredId?: string } = {};

@Command('chargeCard', { retries: 1 })
class ChargeCardCommand implements CommandHandler<{ amount: number }> {
  execute(): void {
    throw new Error('card declined');
  }

  @Recover()
  onFailure(cmd: Instance<{ amount: number }>, error: Error): Result {
    seen.recoverError = error;
    return Result.next({ name: 'notifyFailure', data: { amount: cmd.data.amount, error: error.message } });
  }
}

@Command('notifyFailure')
class NotifyFailureCommand implements CommandHandler {
  execute(cmd: Instance): void {
    seen.childData = cmd.data;
  }
}

@Command('reserveSeat')
class ReserveSeatCommand implements CommandHandler {
  execute(): void {
    throw new PermanentError('execute must not run after the deadline');
  }

  @Expired()
  onExpired(cmd: Instance): Result {
    seen.expiredId = cmd.id;
    return Result.next({ name: 'notifyFailure', data: { expired: cmd.id } });
  }
}

@Command('pollGateway', { retries: 1, backoff: constantBackoff(120) })
class PollGatewayCommand implements CommandHandler {
  execute(cmd: Instance): void {
    if (cmd.attempt === 1) throw new Error('gateway busy');
  }
}

class AddressDto {
  @IsString()
  city!: string;
}

class ShipDto {
  @IsInt()
  @Min(1)
  quantity!: number;

  @ValidateNested()
  @TransformType(() => AddressDto)
  address!: AddressDto;
}

@Command('ship', { validate: ShipDto })
class ShipCommand implements CommandHandler {
  execute(): void {}
}

describe.each(STORAGE_KINDS)('@Command handlers on %s', (kind) => {
  let running: DurexTestApp;

  beforeEach(async () => {
    running = await createDurexApp([SendEmailCommand, MailService, ChargeCardCommand, NotifyFailureCommand, ReserveSeatCommand, ShipCommand, PollGatewayCommand], {
      storage: kind,
      // Everything here is woken for, in this process: no test may pass by waiting for a poll.
      pollInterval: 60_000,
    });
  });

  afterEach(() => running.app.close());

  it('@Recover receives the error once retries are spent, and its Result.next child inherits parent, trace and correlation', async () => {
    const { client } = running;
    const parent = await client.add({ name: 'chargeCard', data: { amount: 42 }, traceId: 'trace-1' });

    const failed = await waitForStatus(client, parent.id, Status.FAILED);
    expect(seen.recoverError?.message).toBe('card declined');
    expect(failed.attempt).toBe(2);
    expect(failed.history.map((e) => e.type)).toEqual(['created', 'started', 'failed', 'retrying', 'started', 'failed', 'recovered']);

    const [child] = await waitForInstances(client, { parentId: parent.id, status: Status.COMPLETED });
    expect(child).toMatchObject({ name: 'notifyFailure', parentId: parent.id, traceId: 'trace-1', correlationId: parent.id });
    expect(parent.correlationId).toBe(parent.id);
    expect(seen.childData).toEqual({ amount: 42, error: 'card declined' });
  });

  it("retries with the command's own backoff from @Command options", async () => {
    const { client } = running;
    const added = await client.add({ name: 'pollGateway' });
    const done = await waitForStatus(client, added.id, Status.COMPLETED);
    const retrying = done.history.find((e) => e.type === 'retrying')!;
    const second = done.history.filter((e) => e.type === 'started')[1]!;
    expect(retrying.message).toMatch(/next attempt in 120 ms/);
    expect(second.timestamp.getTime() - retrying.timestamp.getTime()).toBeGreaterThanOrEqual(120);
  });

  it('@Expired runs instead of execute when the deadline passes before the command can start', async () => {
    const { client } = running;
    const late = await client.add({ name: 'reserveSeat', delay: 60_000, deadline: 20, traceId: 'trace-2' });

    const expired = await waitForStatus(client, late.id, Status.EXPIRED);
    expect(seen.expiredId).toBe(late.id);
    expect(expired.history.map((e) => e.type)).toContain('expired');
    expect(expired.history.map((e) => e.type)).not.toContain('failed');

    const [child] = await waitForInstances(client, { parentId: late.id });
    expect(child).toMatchObject({ name: 'notifyFailure', traceId: 'trace-2', correlationId: late.id, data: { expired: late.id } });
  });

  it('@Expired runs at once for a deadline already passed when the command is added, not at the next poll', async () => {
    const { client } = running;
    const late = await client.add({ name: 'reserveSeat', delay: 60_000, deadlineAt: new Date(Date.now() - 1_000) });
    // The poll interval is a minute, so only the wake-up of the add can have expired it in time.
    await waitForStatus(client, late.id, Status.EXPIRED, 5_000);
    expect(seen.expiredId).toBe(late.id);
  });

  it('a DTO rejects a bad payload with every violation named, before anything is stored', async () => {
    const { client } = running;

    const attempt = client.add({ name: 'sendEmail', data: { to: 'not-an-email', subject: '', cc: 'x' } });
    await expect(attempt).rejects.toThrow(InvalidSpecError);
    const error = (await attempt.catch((e: unknown) => e)) as InvalidSpecError;
    expect(error.field).toBe('data');
    expect(error.message).toContain('durex: invalid spec: data does not match SendEmailDto (the payload DTO of command "sendEmail")');
    expect(error.message).toContain('to must be an email');
    expect(error.message).toContain('subject should not be empty');
    expect(error.message).toContain('property cc should not exist');
    expect(await client.count()).toBe(0);
  });

  it('a DTO names nested violations by their path, and addMany stores none of the batch', async () => {
    const { client } = running;

    const attempt = client.addMany([
      { name: 'ship', data: { quantity: 2, address: { city: 'Lyon' } } },
      { name: 'ship', data: { quantity: 0, address: { city: 7 } } },
    ]);
    await expect(attempt).rejects.toThrow(/quantity must not be less than 1; address\.city: city must be a string/);
    expect(await client.count()).toBe(0);
  });

  it('a payload that satisfies its DTO is stored as given and runs', async () => {
    const { client } = running;
    const added = await client.add({ name: 'ship', data: { quantity: 1, address: { city: 'Lyon' } } });
    const done = await waitForStatus(client, added.id, Status.COMPLETED);
    expect(done.data).toEqual({ quantity: 1, address: { city: 'Lyon' } });
  });
});
