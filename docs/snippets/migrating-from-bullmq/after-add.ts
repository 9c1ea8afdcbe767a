import { Injectable } from '@nestjs/common';
import { DurexClient } from 'nestjs-durex';

@Injectable()
export class WelcomeService {
  constructor(private readonly durex: DurexClient) {}

  async welcome(userId: string, to: string): Promise<void> {
    await this.durex.add({
      name: 'sendWelcome',
      data: { to },
      retries: 3, // retries after the first attempt: attempts − 1
      delay: 5_000,
      priority: 10, // higher runs first; default 0
      uniqueKey: `welcome:${userId}`, // refused (DuplicateCommandError) while an instance with it is active
    });
    // The backoff belongs to the command (@Command({ backoff })) or the module; cleanup of finished
    // instances is the module's `cleanup` option.
  }
}
