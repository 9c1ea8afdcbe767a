import type { DurexStorage, Transition, TransitionOutcome } from '../storage/storage.interface.js';

interface Queued {
  transition: Transition;
  resolve: (outcome: TransitionOutcome) => void;
  reject: (error: unknown) => void;
}

/** Most outcomes written by one storage call. */
const MAX_BATCH = 1000;
/** Most storage calls in flight at once; the second only starts when a full batch is waiting. */
const MAX_CONCURRENT = 2;

/**
 * Groups the outcomes of attempts into few storage calls (group commit). When idle, the first
 * outcome waits `delay` ms (0: until the end of the current turn of the event loop) for others;
 * while a write is in flight, outcomes collect and go out together as soon as it returns. So a busy
 * worker writes as many outcomes per round trip as finish during one, and an idle one adds no
 * latency. An outcome waiting here is not yet durable: if the process dies in that window, the
 * attempt runs again after its lease expires.
 */
export class TransitionWriter {
  private queue: Queued[] = [];
  private timer: NodeJS.Timeout | undefined;
  private immediate: NodeJS.Immediate | undefined;
  /** Storage calls in flight, and the outcomes they carry. */
  private inFlight = 0;
  private writing = 0;
  private waiters: (() => void)[] = [];

  constructor(
    private readonly storage: DurexStorage,
    private readonly delay: number,
    /** Called after every storage call returns, so claims held back by {@link backlog} can resume. */
    private readonly onWritten: () => void = () => undefined,
    private readonly maxBatch = MAX_BATCH,
  ) {}

  /** Outcomes queued or being written: not yet durable. */
  get backlog(): number {
    return this.queue.length + this.writing;
  }

  write(transition: Transition): Promise<TransitionOutcome> {
    return new Promise((resolve, reject) => {
      this.queue.push({ transition, resolve, reject });
      this.schedule();
    });
  }

  /** Writes everything queued and waits until nothing is in flight. */
  async flush(): Promise<void> {
    while (this.queue.length || this.inFlight) {
      if (this.queue.length && this.inFlight < MAX_CONCURRENT) this.start();
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
  }

  private schedule(): void {
    if (!this.queue.length) return;
    if (this.inFlight) {
      // Collected for when the write in flight returns; a second call only for a full batch.
      if (this.inFlight < MAX_CONCURRENT && this.queue.length >= this.maxBatch) this.start();
      return;
    }
    if (this.queue.length >= this.maxBatch) return this.start();
    if (this.immediate !== undefined || this.timer !== undefined) return;
    if (this.delay > 0) this.timer = setTimeout(() => this.start(), this.delay);
    else this.immediate = setImmediate(() => this.start());
  }

  private start(): void {
    clearTimeout(this.timer);
    clearImmediate(this.immediate);
    this.timer = undefined;
    this.immediate = undefined;
    if (!this.queue.length) return;
    const batch = this.queue.length <= this.maxBatch ? this.queue : this.queue.slice(0, this.maxBatch);
    this.queue = batch === this.queue ? [] : this.queue.slice(this.maxBatch);
    this.inFlight += 1;
    this.writing += batch.length;
    void this.writeBatch(batch).finally(() => {
      this.inFlight -= 1;
      this.writing -= batch.length;
      // What collected meanwhile waited for this write already: it goes out at the end of this turn.
      if (this.queue.length && !this.inFlight && this.immediate === undefined) {
        clearTimeout(this.timer);
        this.timer = undefined;
        this.immediate = setImmediate(() => this.start());
      }
      const waiters = this.waiters;
      this.waiters = [];
      for (const wake of waiters) wake();
      this.onWritten();
    });
  }

  private async writeBatch(batch: Queued[]): Promise<void> {
    try {
      const outcomes = await this.storage.transition(batch.map((q) => q.transition));
      batch.forEach((q, index) => q.resolve(outcomes[index]!));
    } catch (error) {
      batch.forEach((q) => q.reject(error));
    }
  }
}
