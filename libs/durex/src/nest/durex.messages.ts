/*
 * Every error message the Nest layer writes, in one place: each names the culprit and the fix.
 */

/** An `@OnDurexEvent` method on a provider that is not a singleton. */
export function nonStaticListenerMessage(className: string, method: string, why: 'is request-scoped' | 'is transient' | 'depends on a request-scoped provider'): string {
  return `@OnDurexEvent() method ${className}.${method} belongs to a provider that ${why}. durex events arrive outside any request: make the provider a singleton.`;
}

/** A handler class without an `execute` method. */
export function missingExecuteMessage(className: string, commandName: string): string {
  return `@Command('${commandName}') handler ${className} has no execute() method. Implement CommandHandler: execute(instance, ctx).`;
}

/** Two methods of one class carry the same method decorator. */
export function duplicateMethodDecoratorMessage(className: string, decorator: '@Recover()' | '@Expired()', methods: readonly string[]): string {
  return (
    `${className} has ${methods.length} ${decorator} methods (${methods.map((m) => `${m}()`).join(' and ')}); ` +
    `a command handler may have at most one. Keep one and merge the others into it.`
  );
}

/** `@Command({ validate })` given something that is not a class. */
export function invalidDtoMessage(className: string, commandName: string, received: unknown): string {
  return (
    `@Command('${commandName}', { validate }) on ${className} must be a class-validator DTO class, got ${describe(received)}. ` +
    'Pass the class itself, e.g. { validate: SendEmailDto }.'
  );
}

/** A payload that failed its DTO; completes "invalid spec: data …". */
export function payloadRejectedMessage(commandName: string, dtoName: string, violations: readonly string[]): string {
  return `does not match ${dtoName} (the payload DTO of command "${commandName}"): ${violations.join('; ')}. Fix the payload, or the DTO if it is wrong.`;
}

/** The `storage` option is neither a known configuration nor a storage object. */
export function invalidStorageMessage(received: unknown): string {
  return (
    `must be { type: 'memory' }, { type: 'sqlite', database }, { type: 'postgres', url }, { type: 'typeorm', dataSource } ` +
    `or an object implementing DurexStorage, got ${describe(received)}`
  );
}

/** `forRootAsync`'s factory returned no options. */
export function missingOptionsMessage(received: unknown): string {
  return `must be an object, got ${describe(received)}: make forRootAsync's useFactory (or createDurexOptions()) return the options`;
}

/** A module switch (`autoStart`, `migrate`) that is not a boolean. */
export function notBooleanMessage(received: unknown): string {
  return `must be true or false, got ${describe(received)}`;
}

function describe(value: unknown): string {
  if (value === undefined || value === null) return String(value);
  if (typeof value === 'function') return `the function ${value.name || '(anonymous)'}`;
  if (typeof value === 'object') {
    const type = (value as { type?: unknown }).type;
    return type === undefined ? `an object (${value.constructor?.name ?? 'no prototype'})` : `{ type: ${JSON.stringify(type)} }`;
  }
  return `${typeof value} ${JSON.stringify(value)}`;
}
