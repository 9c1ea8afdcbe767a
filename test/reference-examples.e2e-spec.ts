/**
 * Every runnable example of the Go reference's documentation, ported to TypeScript, with the output
 * the reference documents, on every storage. Each example prints through `print` instead of
 * fmt.Println.
 */
import { type CommandDefinition, type Instance, type Middleware, Result } from 'nestjs-durex';
import { beforeEach, describe, expect, it } from 'vitest';
import { useExecutors } from './support/executor-harness.js';
import { STORAGE_KINDS } from './support/storages.js';
import { waitFor } from './support/wait-for.js';

/** The reference's GreetCommand: a command object, registered whole as Go's `executor.Register(&GreetCommand{})` does. */
class GreetCommand implements CommandDefinition {
  readonly name = 'greet';

  constructor(private readonly print: (line: string) => void) {}

  execute(cmd: Instance): void {
    this.print(`Hello, ${cmd.getString('name')}!`);
  }
}

describe.each(STORAGE_KINDS)('reference examples on %s', (kind) => {
  const { executor } = useExecutors(kind);
  let output: string[];
  const print = (line: string) => output.push(line);

  beforeEach(() => void (output = []));

  it('package example: greet', async () => {
    const ex = await executor({ parallelism: 4, defaultRetries: 3 });
    ex.register(new GreetCommand(print));
    await ex.start();
    await ex.add({ name: 'greet', data: { name: 'World' } });
    await waitFor(() => output.length === 1);
    expect(output).toEqual(['Hello, World!']);
  });

  it('Executor.Add', async () => {
    const ex = await executor();
    ex.register(new GreetCommand(print));
    await ex.start();
    const instance = await ex.add({ name: 'greet', data: { name: 'Alice' } });
    print(`Added command: ${instance.name}`);
    await waitFor(() => output.length === 2);
    expect(output).toEqual(['Added command: greet', 'Hello, Alice!']);
  });

  it('Executor.Add with retries and delay', async () => {
    const ex = await executor();
    ex.register(new GreetCommand(print));
    await ex.start();
    const instance = await ex.add({ name: 'greet', data: { name: 'Bob' }, retries: 3, delay: 1_000 });
    expect([instance.retries, instance.readyAt.getTime() - instance.createdAt.getTime()]).toEqual([3, 1_000]);
    expect(output).toEqual([]);
  });

  it('Executor.Add with tags', async () => {
    const ex = await executor();
    ex.register(new GreetCommand(print));
    await ex.start();
    const instance = await ex.add({ name: 'greet', data: { name: 'Charlie' }, tags: ['priority:high', 'batch:123'] });
    await waitFor(() => output.length === 1);
    expect(instance.hasTag('batch:123')).toBe(true);
    expect(await ex.count({ tags: ['priority:high'] })).toBe(1);
  });

  it('Executor.HandleFunc', async () => {
    const ex = await executor();
    ex.handle('sendEmail', (cmd) => void print(`Sending email to ${cmd.getString('to')}: ${cmd.getString('subject')}`));
    await ex.start();
    await ex.add({ name: 'sendEmail', data: { to: 'user@example.com', subject: 'Welcome!' } });
    await waitFor(() => output.length === 1);
    expect(output).toEqual(['Sending email to user@example.com: Welcome!']);
  });

  it('Instance.ContinueSequence', async () => {
    const ex = await executor();
    ex.handle('validate', (cmd) => {
      print('Validating order');
      cmd.set('validated', true);
      return cmd.continueSequence();
    });
    ex.handle('charge', (cmd) => (print('Charging payment'), cmd.continueSequence()));
    ex.handle('ship', () => (print('Shipping order'), Result.empty()));
    await ex.start();
    await ex.add({ name: 'validate', sequence: ['charge', 'ship'], data: { order_id: '12345' } });
    await waitFor(() => output.length === 3);
    expect(output).toEqual(['Validating order', 'Charging payment', 'Shipping order']);
  });

  it('WithMiddleware', async () => {
    const logging: Middleware = async (ctx, next) => {
      print(`Starting: ${ctx.instance.name}`);
      const result = await next();
      print(`Finished: ${ctx.instance.name}`);
      return result;
    };
    const ex = await executor({ middleware: [logging] });
    ex.handle('task', () => void print('Executing task'));
    await ex.start();
    await ex.add({ name: 'task' });
    await waitFor(() => output.length === 3);
    expect(output).toEqual(['Starting: task', 'Executing task', 'Finished: task']);
  });

  it('Next', async () => {
    const ex = await executor();
    ex.handle('step1', () => (print('Step 1 complete'), Result.next({ name: 'step2', data: { from: 'step1' } })));
    ex.handle('step2', () => (print('Step 2 complete'), Result.empty()));
    await ex.start();
    await ex.add({ name: 'step1' });
    await waitFor(() => output.length === 2);
    expect(output).toEqual(['Step 1 complete', 'Step 2 complete']);
  });

  it('Repeat', async () => {
    const ex = await executor();
    let count = 0;
    ex.handle('heartbeat', () => {
      count++;
      print(`Heartbeat #${count}`);
      return count >= 2 ? Result.empty() : Result.repeat();
    });
    await ex.start();
    const instance = await ex.add({ name: 'heartbeat', period: 50 });
    await waitFor(async () => (await ex.get(instance.id)).status === 'COMPLETED');
    expect(output).toEqual(['Heartbeat #1', 'Heartbeat #2']);
  });

  it('Spawn', async () => {
    const ex = await executor();
    ex.handle('fanOut', () => Result.spawn(...['a', 'b', 'c'].map((item) => ({ name: 'process', data: { item } }))));
    ex.handle('process', (cmd) => void print(`Processing: ${cmd.getString('item')}`));
    await ex.start();
    await ex.add({ name: 'fanOut' });
    await waitFor(() => output.length === 3);
    expect(output.sort()).toEqual(['Processing: a', 'Processing: b', 'Processing: c']);
  });
});
