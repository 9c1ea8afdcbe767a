import {
  Command,
  type CommandHandler,
  DuplicateHandlerError,
  Expired,
  type Instance,
  InvalidCommandHandlerError,
  InvalidSpecError,
  Recover,
  Status,
} from 'nestjs-durex';
import { bootstrapError, createDurexApp, type DurexTestApp, waitForStatus } from '../fixtures/durex-app.js';
import { MailService } from '../fixtures/mail.service.js';
import { SendEmailCommand } from '../fixtures/send-email.command.js';

describe('DurexExplorer', () => {
  let running: DurexTestApp | undefined;

  afterEach(async () => {
    await running?.app.close();
    running = undefined;
  });

  it('finds a handler provided through useFactory, with the dependencies the factory injected', async () => {
    @Command('factoryMade')
    class FactoryMadeCommand implements CommandHandler<{ to: string }> {
      constructor(private readonly mailer: MailService) {}
      async execute(cmd: Instance<{ to: string }>, ctx: { signal: AbortSignal }): Promise<void> {
        await this.mailer.send(cmd.data.to, 'from a factory', ctx.signal);
      }
    }

    running = await createDurexApp([
      MailService,
      { provide: 'FACTORY_MADE', useFactory: (mailer: MailService) => new FactoryMadeCommand(mailer), inject: [MailService] },
    ]);
    const { app, client, executor } = running;
    expect(executor.registry.get('factoryMade')?.source).toBe('FactoryMadeCommand');

    const added = await client.add({ name: 'factoryMade', data: { to: 'ada@example.com' } });
    await waitForStatus(client, added.id, Status.COMPLETED);
    expect(app.get(MailService).sent).toEqual([{ to: 'ada@example.com', subject: 'from a factory' }]);
  });

  it('fails bootstrap when two handlers share a name, naming both classes', async () => {
    @Command('sendEmail')
    class OtherEmailCommand implements CommandHandler {
      execute(): void {}
    }

    const error = await bootstrapError([SendEmailCommand, MailService, OtherEmailCommand]);
    expect(error).toBeInstanceOf(DuplicateHandlerError);
    expect(error.message).toMatch(/command "sendEmail" is handled twice, by (SendEmailCommand and by OtherEmailCommand|OtherEmailCommand and by SendEmailCommand)/);
  });

  it('fails bootstrap when a class has two @Recover() methods, naming the class and both methods', async () => {
    @Command('twoRecovers')
    class TwoRecoversCommand implements CommandHandler {
      execute(): void {}
      @Recover()
      first(): void {}
      @Recover()
      second(): void {}
    }

    const error = await bootstrapError([TwoRecoversCommand]);
    expect(error).toBeInstanceOf(InvalidCommandHandlerError);
    expect(error.message).toMatch(/TwoRecoversCommand has 2 @Recover\(\) methods \(first\(\) and second\(\)\); a command handler may have at most one/);
  });

  it('fails bootstrap when a class has two @Expired() methods', async () => {
    @Command('twoExpired')
    class TwoExpiredCommand implements CommandHandler {
      execute(): void {}
      @Expired()
      late(): void {}
      @Expired()
      tooLate(): void {}
    }

    const error = await bootstrapError([TwoExpiredCommand]);
    expect(error).toBeInstanceOf(InvalidCommandHandlerError);
    expect(error.message).toMatch(/TwoExpiredCommand has 2 @Expired\(\) methods \(late\(\) and tooLate\(\)\)/);
  });

  it('finds @Recover() and @Expired() on an inherited method', async () => {
    class BaseCommand {
      @Recover()
      onFailure(): void {}
    }
    @Command('inherits')
    class InheritingCommand extends BaseCommand implements CommandHandler {
      execute(): void {}
      @Expired()
      onExpired(): void {}
    }

    running = await createDurexApp([InheritingCommand]);
    const definition = running.executor.registry.get('inherits');
    expect(definition?.recover).toBeTypeOf('function');
    expect(definition?.expired).toBeTypeOf('function');
  });

  it('rejects a handler without an execute() method', async () => {
    @Command('noExecute')
    class NoExecuteCommand {
      run(): void {}
    }

    const error = await bootstrapError([NoExecuteCommand]);
    expect(error).toBeInstanceOf(InvalidCommandHandlerError);
    expect(error.message).toMatch(/NoExecuteCommand has no execute\(\) method/);
  });

  it('rejects invalid @Command options at bootstrap, naming the class and the field', async () => {
    @Command('badDefaults', { retries: -1 })
    class BadDefaultsCommand implements CommandHandler {
      execute(): void {}
    }

    const error = await bootstrapError([BadDefaultsCommand]);
    expect(error).toBeInstanceOf(InvalidSpecError);
    expect(error.message).toMatch(/@Command\('badDefaults'\) options of BadDefaultsCommand\.retries must be an integer/);
  });

  it('rejects a validate option that is not a class', async () => {
    @Command('badDto', { validate: 'SendEmailDto' as never })
    class BadDtoCommand implements CommandHandler {
      execute(): void {}
    }

    const error = await bootstrapError([BadDtoCommand]);
    expect(error).toBeInstanceOf(InvalidCommandHandlerError);
    expect(error.message).toMatch(/on BadDtoCommand must be a class-validator DTO class, got string "SendEmailDto"/);
  });
});
