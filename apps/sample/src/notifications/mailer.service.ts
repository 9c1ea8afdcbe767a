import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { UnitOfWork } from '../database/unit-of-work.service.js';
import { SentEmail } from './sent-email.entity.js';

/** An email to one recipient about one order. */
export interface Email {
  /** The same key always names the same message: delivering it again sends nothing. */
  messageKey: string;
  orderId: string;
  to: string;
  subject: string;
  body: string;
}

/** Sends email. The sample delivers to its outbox table, where the order view finds it. */
@Injectable()
export class Mailer {
  constructor(private readonly unitOfWork: UnitOfWork) {}

  /** Delivers the email once, whatever the number of calls. */
  async send(email: Email, signal?: AbortSignal): Promise<void> {
    signal?.throwIfAborted();
    await this.unitOfWork.run(async (manager) => {
      if (await manager.existsBy(SentEmail, { messageKey: email.messageKey })) return;
      const { to: recipient, ...message } = email;
      await manager.insert(SentEmail, { ...message, recipient, sentAt: new Date() });
    });
  }

  /** The emails sent about an order, oldest first. */
  sentFor(manager: EntityManager, orderId: string): Promise<SentEmail[]> {
    return manager.find(SentEmail, { where: { orderId }, order: { id: 'ASC' } });
  }
}
