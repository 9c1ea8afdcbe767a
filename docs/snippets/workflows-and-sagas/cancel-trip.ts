import { Injectable } from '@nestjs/common';
import { ACTIVE_STATUSES, DurexClient, InvalidStateError } from 'nestjs-durex';

@Injectable()
export class TripCancellation {
  constructor(private readonly durex: DurexClient) {}

  /** Cancels whatever is still queued or running of a trip's workflow; returns how many. */
  async cancel(tripId: string): Promise<number> {
    let cancelled = 0;
    for (const step of await this.durex.find({ correlationId: `trip:${tripId}`, status: ACTIVE_STATUSES })) {
      try {
        await this.durex.cancel(step.id);
        cancelled += 1;
      } catch (error) {
        if (!(error instanceof InvalidStateError)) throw error; // it finished meanwhile
      }
    }
    return cancelled;
  }
}
