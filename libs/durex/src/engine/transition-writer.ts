import type { DurexStorage, Transition, TransitionOutcome } from '../storage/storage.interface.js';

interface Queued {
  transition: Transition;
  resolve: (outcome: TransitionOutcome) => void;
  reject: (error: unknown) => void;
}

/**
 * Groups the outcomes of attempts that finish close together into one storage call, so a busy
 * worker writes many completions per round trip. With a delay of 0 it groups what finishes in the
 * same turn of the event loop, which costs no latency. An outcome waiting here is not yet durable:
 * if the process dies in that window, the attempt runs again after its lease expires.
 */
export class TransitionWriter {
  private queue: Queued[] = [];
  private timer: NodeJS.Timeout | undefined;
  private immediate: NodeJS.Immediate | undefined;
  private flushing: Promise<void> = Promise.resolve();

  constructor(
    private readonly storage: DurexStorage,
    private readonly delay: number,
    private readonly maxBatch = 500,
  ) {}

  write(transition: Transition): Promise<TransitionOutcome> {
    return new Promise((resolve, reject) => {
      this.queue.push({ transition, resolve, reject });
      if (this.queue.length >= this.maxBatch) this.flushSoon(0);
      else this.flushSoon(this.delay);
    });
  }

  /** Writes everything queued and waits for it. */
  async flush(): Promise<void> {
    clearTimeout(this.timer);
    clearImmediate(this.immediate);
    this.timer = undefined;
    this.immediate = undefined;
    const batch = this.queue;
    this.queue = [];
    const previous = this.flushing;
    this.flushing = previous.then(() => this.writeBatch(batch));
    await this.flushing;
  }

  private flushSoon(delay: number): void {
    if (this.immediate !== undefined) return;
    if (delay > 0) {
      this.timer ??= setTimeout(() => void this.flush(), delay);
      return;
    }
    clearTimeout(this.timer);
    this.timer = undefined;
    this.immediate = setImmediate(() => void this.flush());
  }

  private async writeBatch(batch: Queued[]): Promise<void> {
    if (!batch.length) return;
    try {
      const outcomes = await this.storage.transition(batch.map((q) => q.transition));
      batch.forEach((q, index) => q.resolve(outcomes[index]!));
    } catch (error) {
      batch.forEach((q) => q.reject(error));
    }
  }
}
