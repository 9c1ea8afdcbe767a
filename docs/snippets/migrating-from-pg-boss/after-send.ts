import { Injectable } from '@nestjs/common';
import { DuplicateCommandError, DurexClient } from 'nestjs-durex';

@Injectable()
export class WelcomeService {
  constructor(private readonly durex: DurexClient) {}

  async welcome(userId: string, to: string): Promise<string | null> {
    try {
      const instance = await this.durex.add({
        name: 'sendWelcome',
        data: { to },
        delay: 5_000, // milliseconds
        priority: 1, // higher runs first
        uniqueKey: `welcome:${userId}`, // at most one active instance per key, whatever the command
        retries: 5,
      });
      return instance.id;
    } catch (error) {
      if (error instanceof DuplicateCommandError) return null; // pg-boss's "not created"
      throw error;
    }
  }
}
