import { Injectable } from '@nestjs/common';
import { DurexClient, minutes, seconds, spec } from 'nestjs-durex';

@Injectable()
export class ReportService {
  constructor(private readonly durex: DurexClient) {}

  async requestReport(accountId: string): Promise<void> {
    await this.durex.add({
      name: 'generateReport', // the handler registered under this name runs it
      data: { accountId, format: 'pdf' }, // a plain JSON object, at most 1 MiB serialised
      delay: seconds(30), // not before 30 s from now
      deadline: minutes(10), // if it has not started within 10 min, it expires
      timeout: minutes(2), // each attempt may run 2 min
      retries: 5, // 5 retries after the first attempt
      priority: 10, // higher runs first among ready instances
      tags: ['reports', `account:${accountId}`], // for filtering and cancelByTag
      uniqueKey: `report:${accountId}`, // at most one active instance per key
      metadata: { requestedBy: 'api' }, // kept apart from data
    });

    // The same spec with the builder; durations are milliseconds either way.
    await this.durex.add(
      spec('generateReport', { accountId, format: 'pdf' })
        .delay(seconds(30))
        .deadline(minutes(10))
        .retries(5)
        .tags('reports')
        .build(),
    );
  }
}
