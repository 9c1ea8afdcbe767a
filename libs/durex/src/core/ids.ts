import { randomBytes } from 'node:crypto';

/**
 * Makes instance ids. Ids must be unique; sortable ones keep the admin API's "newest first" cheap.
 *
 * @publicApi
 */
export interface IdGenerator {
  generate(): string;
}

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/**
 * ULIDs: 48 bits of milliseconds and 80 random bits in 26 Crockford base-32 characters,
 * lexicographically sortable, monotonic within one millisecond in one process.
 *
 * @publicApi
 */
export class UlidGenerator implements IdGenerator {
  private lastTime = -1;
  private lastRandom = new Uint8Array(10);

  constructor(private readonly now: () => number = Date.now) {}

  generate(): string {
    const time = this.now();
    if (time <= this.lastTime) {
      incrementRandom(this.lastRandom);
    } else {
      this.lastTime = time;
      this.lastRandom = new Uint8Array(randomBytes(10));
    }
    return encodeTime(this.lastTime) + encodeRandom(this.lastRandom);
  }
}

function encodeTime(time: number): string {
  let out = '';
  let rest = time;
  for (let i = 0; i < 10; i++) {
    out = CROCKFORD[rest % 32] + out;
    rest = Math.floor(rest / 32);
  }
  return out;
}

function encodeRandom(bytes: Uint8Array): string {
  let bits = 0n;
  for (const byte of bytes) bits = (bits << 8n) | BigInt(byte);
  let out = '';
  for (let i = 0; i < 16; i++) {
    out = CROCKFORD[Number(bits & 31n)] + out;
    bits >>= 5n;
  }
  return out;
}

function incrementRandom(bytes: Uint8Array): void {
  for (let i = bytes.length - 1; i >= 0; i--) {
    bytes[i] = (bytes[i]! + 1) & 0xff;
    if (bytes[i] !== 0) return;
  }
}

/**
 * The reference's default format, `cmd_<hex time>_<hex random>`. Unique but not monotonic.
 *
 * @publicApi
 */
export class DefaultIdGenerator implements IdGenerator {
  generate(): string {
    return `cmd_${Date.now().toString(16)}_${randomBytes(8).toString('hex')}`;
  }
}

/**
 * `prefix-1`, `prefix-2`, …: predictable ids for tests. Not unique across processes.
 *
 * @publicApi
 */
export class SimpleIdGenerator implements IdGenerator {
  private counter = 0;
  constructor(private readonly prefix = 'cmd') {}
  generate(): string {
    this.counter += 1;
    return `${this.prefix}-${this.counter}`;
  }
}

let generator: IdGenerator = new UlidGenerator();

/** Makes an id with the process-wide generator. @publicApi */
export function generateId(): string {
  return generator.generate();
}

/** Replaces the process-wide generator; an executor's `idGenerator` option takes precedence. @publicApi */
export function setIdGenerator(next: IdGenerator): void {
  generator = next;
}

/** The process-wide generator. @publicApi */
export function getIdGenerator(): IdGenerator {
  return generator;
}

/** Ids from any generator are short printable tokens; this rejects anything else at API borders. */
export const ID_PATTERN = /^[A-Za-z0-9_.:-]{1,128}$/;
