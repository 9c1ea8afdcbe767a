import { Inject, Injectable, Logger, Module } from '@nestjs/common';
import {
  Command,
  type CommandHandler,
  DUREX_STORAGE,
  DurexClient,
  DurexModule,
  type DurexModuleOptions,
  type DurexOptionsFactory,
  type DurexStorage,
  InvalidOptionsError,
  MemoryStorage,
  Status,
  StorageClosedError,
  UnknownCommandError,
} from 'nestjs-durex';
import { bootstrapError, createDurexApp, initDurexApp, type DurexTestApp, waitForStatus } from '../fixtures/durex-app.js';
import { MailService } from '../fixtures/mail.service.js';
import { SendEmailCommand } from '../fixtures/send-email.command.js';
import { STORAGE_KINDS } from '../support/storages.js';

describe.each(STORAGE_KINDS)('DurexModule on %s', (kind) => {
  let running: DurexTestApp | undefined;

  afterEach(async () => {
    await running?.app.close();
    running = undefined;
  });

  it('full flow: a @Command handler with an injected service runs and its state is stored', async () => {
    running = await createDurexApp([SendEmailCommand, MailService], { storage: kind });
    const { app, client } = running;

    const added = await client.add({ name: 'sendEmail', data: { to: 'ada@example.com', subject: 'Welcome' } });
    expect(added.status).toBe(Status.PENDING);

    const done = await waitForStatus(client, added.id, Status.COMPLETED);
    expect(app.get(MailService).sent).toEqual([{ to: 'ada@example.com', subject: 'Welcome' }]);
    expect(done.tags).toEqual(['mail']);
    expect(done.maxRetries).toBe(2);
    expect(done.history.map((event) => event.type)).toEqual(['created', 'started', 'completed']);
    expect(await client.history(added.id)).toEqual(done.history);
  });

  it('isGlobal (the default) lets a feature module inject DurexClient without importing DurexModule', async () => {
    @Injectable()
    class SignupService {
      constructor(readonly durex: DurexClient) {}
      signup(email: string) {
        return this.durex.add({ name: 'sendEmail', data: { to: email, subject: 'Welcome' } });
      }
    }
    @Module({ providers: [SignupService], exports: [SignupService] })
    class SignupModule {}

    running = await createDurexApp([SendEmailCommand, MailService], { storage: kind }, [SignupModule]);
    const signups = running.app.get(SignupService);
    expect(signups.durex).toBe(running.client);
    const added = await signups.signup('grace@example.com');
    await waitForStatus(running!.client, added.id, Status.COMPLETED);
  });

  it('a producer-only module (no handlers, commands: [...]) starts and enqueues the declared names', async () => {
    running = await createDurexApp([], { storage: kind, commands: ['x'] });
    const { client, executor } = running;
    expect(executor.isRunning()).toBe(true);

    const added = await client.add({ name: 'x', data: { n: 1 } });
    expect(await client.count({ name: 'x', status: Status.PENDING })).toBe(1);
    expect((await client.get(added.id)).data).toEqual({ n: 1 });
  });

  it('an unknown command name throws UnknownCommandError at enqueue, and nothing is stored', async () => {
    running = await createDurexApp([SendEmailCommand, MailService], { storage: kind, commands: ['x'] });
    const { client } = running;

    const attempt = client.add({ name: 'sendEmial', data: {} });
    await expect(attempt).rejects.toThrow(UnknownCommandError);
    await expect(attempt).rejects.toThrow(/unknown command "sendEmial"\. Known commands: sendEmail, x/);
    expect(await client.count()).toBe(0);
  });

  it('autoStart: false leaves the executor idle until started by hand', async () => {
    running = await createDurexApp([SendEmailCommand, MailService], { storage: kind, autoStart: false });
    const { client, executor } = running;
    const added = await client.add({ name: 'sendEmail', data: { to: 'ada@example.com', subject: 'Later' } });
    expect(executor.isRunning()).toBe(false);

    await executor.start();
    await waitForStatus(client, added.id, Status.COMPLETED);
  });
});

/** Wiring, options and the storage's lifecycle: what they check does not depend on the kind of storage. */
describe('DurexModule', () => {
  let running: DurexTestApp | undefined;

  afterEach(async () => {
    await running?.app.close();
    running = undefined;
  });

  it('forRootAsync: options come from a factory that injects a config provider', async () => {
    @Injectable()
    class ConfigService {
      get(key: 'DUREX_PARALLELISM'): number {
        return { DUREX_PARALLELISM: 2 }[key];
      }
    }
    @Module({ providers: [ConfigService], exports: [ConfigService] })
    class ConfigModule {}

    running = await initDurexApp(
      DurexModule.forRootAsync({
        imports: [ConfigModule],
        inject: [ConfigService],
        useFactory: (config: ConfigService): DurexModuleOptions => ({ storage: { type: 'memory' }, parallelism: config.get('DUREX_PARALLELISM') }),
      }),
      [SendEmailCommand, MailService],
    );
    const { client, executor } = running;
    expect(executor.options.parallelism).toBe(2);

    const added = await client.add({ name: 'sendEmail', data: { to: 'ada@example.com', subject: 'Hi' } });
    await waitForStatus(client, added.id, Status.COMPLETED);
  });

  it('forRootAsync: extraProviders are available to the factory, and useClass works', async () => {
    const STORAGE = Symbol('storage');
    const storage = new MemoryStorage();
    @Injectable()
    class DurexConfig implements DurexOptionsFactory {
      constructor(@Inject(STORAGE) private readonly shared: DurexStorage) {}
      createDurexOptions(): DurexModuleOptions {
        return { storage: this.shared, commands: ['elsewhere'] };
      }
    }

    running = await initDurexApp(
      DurexModule.forRootAsync({ useClass: DurexConfig, extraProviders: [{ provide: STORAGE, useValue: storage }] }),
      [],
    );
    expect(running.app.get(DUREX_STORAGE)).toBe(storage);
    const added = await running.client.add({ name: 'elsewhere' });
    expect(await storage.get(added.id)).toMatchObject({ status: Status.PENDING });
  });

  it('isGlobal: false keeps DurexClient out of modules that do not import DurexModule', async () => {
    @Injectable()
    class SignupService {
      constructor(readonly durex: DurexClient) {}
    }
    @Module({ providers: [SignupService] })
    class SignupModule {}

    const error = await bootstrapError([], { isGlobal: false }, [SignupModule]);
    expect(error.message).toMatch(/DurexClient/);
  });

  it('logs through a Nest Logger unless a logger is given', async () => {
    running = await createDurexApp([]);
    expect(running.executor.options.logger).toBeInstanceOf(Logger);
    await running.app.close();

    const logger = { log: vi.fn(), warn: vi.fn(), error: vi.fn() };
    running = await createDurexApp([], { logger });
    expect(running.executor.options.logger).toBe(logger);
  });

  it('closes the storage it opened at shutdown, but never a storage object it was given', async () => {
    const owned = await createDurexApp([]);
    const ownedStorage = owned.app.get<DurexStorage>(DUREX_STORAGE);
    await owned.app.close();
    await expect(ownedStorage.count()).rejects.toThrow(StorageClosedError);

    const given = new MemoryStorage();
    const close = vi.spyOn(given, 'close');
    const migrate = vi.spyOn(given, 'migrate');
    const app = await createDurexApp([], { storage: given, commands: ['x'] });
    expect(migrate).toHaveBeenCalledOnce();
    await app.client.add({ name: 'x' });
    await app.app.close();
    expect(close).not.toHaveBeenCalled();
    expect(await given.count()).toBe(1);
  });

  it('migrate: false does not touch the schema', async () => {
    const given = new MemoryStorage();
    const migrate = vi.spyOn(given, 'migrate');
    running = await createDurexApp([], { storage: given, migrate: false });
    expect(migrate).not.toHaveBeenCalled();
  });

  it('rejects a bad storage option at bootstrap with a message that lists the choices', async () => {
    const error = await bootstrapError([], { storage: { type: 'mysql' } as unknown as DurexModuleOptions['storage'] });
    expect(error).toBeInstanceOf(InvalidOptionsError);
    expect(error.message).toMatch(/invalid option storage: must be \{ type: 'memory' \}.*got \{ type: "mysql" \}/);
  });

  it('rejects a bad executor option at bootstrap', async () => {
    const error = await bootstrapError([], { parallelism: 0 });
    expect(error).toBeInstanceOf(InvalidOptionsError);
    expect(error.message).toMatch(/parallelism/);
  });

  it('provides the Executor, whose registry holds the handlers among the providers, and only those', async () => {
    @Command('neverProvided')
    class NeverProvidedCommand implements CommandHandler {
      execute(): void {}
    }
    void NeverProvidedCommand; // decorated, deliberately left out of `providers`

    running = await createDurexApp([SendEmailCommand, MailService]);
    expect(running.executor.registry.get('sendEmail')?.source).toBe('SendEmailCommand');
    expect(running.executor.registry.has('neverProvided')).toBe(false);
  });
});
