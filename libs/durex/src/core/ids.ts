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

/** Random bytes fetched 4 KiB at a time: one call per id was most of the cost of an id. */
const RANDOM_POOL_BYTES = 4096;
let randomPool = Buffer.alloc(0);
let randomOffset = 0;

function randomIdBytes(n: number): Uint8Array<ArrayBuffer> {
  if (randomOffset + n > randomPool.length) {
    randomPool = randomBytes(RANDOM_POOL_BYTES);
    randomOffset = 0;
  }
  const bytes = new Uint8Array(randomPool.subarray(randomOffset, randomOffset + n));
  randomOffset += n;
  return bytes;
}

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
      this.lastRandom = randomIdBytes(10);
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

/** 80 bits as 16 base-32 characters, most significant first. */
function encodeRandom(bytes: Uint8Array): string {
  let out = '';
  let buffered = 0;
  let bits = 0;
  for (const byte of bytes) {
    buffered = (buffered << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      out += CROCKFORD[(buffered >> bits) & 31];
    }
    buffered &= (1 << bits) - 1;
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

/**
 * Replaces the process-wide generator, from the next id on, in executors already made too; an
 * executor's own `idGenerator` option takes precedence.
 *
 * @publicApi
 */
export function setIdGenerator(next: IdGenerator): void {
  generator = next;
}

/** The process-wide generator. @publicApi */
export function getIdGenerator(): IdGenerator {
  return generator;
}

/** Ids from any generator are short printable tokens; this rejects anything else at API borders. */
export const ID_PATTERN = /^[A-Za-z0-9_.:-]{1,128}$/;
