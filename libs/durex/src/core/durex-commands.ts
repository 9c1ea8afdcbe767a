import type { CommandData } from './json.js';
import type { Spec } from './spec.js';

/**
 * The map from command name to payload type. Empty here; applications augment it so that
 * `client.add({ name: 'sendEmail', data })` checks `data` against the command's payload:
 *
 * ```ts
 * declare module 'nestjs-durex' {
 *   interface DurexCommands {
 *     sendEmail: { to: string; subject: string };
 *   }
 * }
 * ```
 *
 * @publicApi
 */
// eslint-disable-next-line @typescript-eslint/no-empty-interface
export interface DurexCommands {}

/** Names declared in {@link DurexCommands}. @publicApi */
export type KnownCommandName = keyof DurexCommands & string;

/** The payload type of a command name: its declared type, or any plain object for undeclared names. @publicApi */
export type PayloadOf<N extends string> = N extends KnownCommandName ? DurexCommands[N] : CommandData;

/** A spec whose `data` is checked against the payload declared for its `name`. @publicApi */
export type SpecFor<N extends string> = Spec<PayloadOf<N>> & { name: N };
