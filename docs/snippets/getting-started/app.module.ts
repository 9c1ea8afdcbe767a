import { Module } from '@nestjs/common';
import { DurexModule } from 'nestjs-durex';
import { MailService } from './mail.service.js';
import { SignupController } from './signup.controller.js';
import { SignupService } from './signup.service.js';
import { SendWelcomeEmailCommand } from './welcome-email.command.js';

@Module({
  imports: [
    DurexModule.forRoot({
      storage: { type: 'sqlite', database: 'durex.db' }, // created, with its tables, at startup
      parallelism: 4, // at most 4 commands run at once in this process
    }),
  ],
  controllers: [SignupController],
  // A @Command class is an ordinary provider: list it, and durex finds it at bootstrap.
  providers: [SendWelcomeEmailCommand, MailService, SignupService],
})
export class AppModule {}
