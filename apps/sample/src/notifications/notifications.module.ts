import { Module } from '@nestjs/common';
import { Mailer } from './mailer.service.js';

/** Outgoing email. */
@Module({ providers: [Mailer], exports: [Mailer] })
export class NotificationsModule {}
