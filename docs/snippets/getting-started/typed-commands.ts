import type { WelcomeEmail } from './welcome-email.command.js';

// Declare each command's payload once; client.add() then checks `data` against it.
declare module 'nestjs-durex' {
  interface DurexCommands {
    sendWelcomeEmail: WelcomeEmail;
  }
}
