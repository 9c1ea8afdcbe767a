import { Injectable, Logger } from '@nestjs/common';

/** Stands in for your real mailer (an SMTP client, an email API). */
@Injectable()
export class MailService {
  private readonly logger = new Logger(MailService.name);

  async send(to: string, subject: string, options: { signal: AbortSignal }): Promise<void> {
    options.signal.throwIfAborted();
    this.logger.log(`sent "${subject}" to ${to}`);
  }
}
