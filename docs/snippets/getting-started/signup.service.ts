import { Injectable } from '@nestjs/common';
import { DurexClient, type Instance } from 'nestjs-durex';
import type { WelcomeEmail } from './welcome-email.command.js';

@Injectable()
export class SignupService {
  constructor(private readonly durex: DurexClient) {}

  async signup(user: { id: string; email: string }): Promise<Instance<WelcomeEmail>> {
    // ...save the user...
    return this.durex.add({
      name: 'sendWelcomeEmail',
      data: { userId: user.id, to: user.email },
      uniqueKey: `welcome:${user.id}`, // a second signup of the same user while this one is queued is refused
    });
  }
}
