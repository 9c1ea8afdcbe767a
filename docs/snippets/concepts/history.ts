import { Injectable } from '@nestjs/common';
import { ACTIVE_STATUSES, DurexClient, EventType, Status } from 'nestjs-durex';

@Injectable()
export class CommandInspector {
  constructor(private readonly durex: DurexClient) {}

  /** How many attempts failed, and why. */
  async failures(id: string): Promise<string[]> {
    const history = await this.durex.history(id); // oldest first
    return history.filter((event) => event.type === EventType.FAILED).map((event) => `attempt ${event.attempt}: ${event.error}`);
  }

  /** Everything of one workflow that has not finished yet. */
  unfinished(correlationId: string) {
    return this.durex.find({ correlationId, status: ACTIVE_STATUSES, orderBy: 'createdAt' });
  }

  /** The 20 most recent failures of one command. */
  recentFailures(name: string) {
    return this.durex.find({ name, status: Status.FAILED, orderBy: 'completedAt', orderDesc: true, limit: 20 });
  }
}
