import { Module } from '@nestjs/common';
import { PaymentGateway } from './payment.gateway.js';
import { PaymentsService } from './payments.service.js';

/** Card payments through the (simulated) gateway. */
@Module({ providers: [PaymentGateway, PaymentsService], exports: [PaymentGateway, PaymentsService] })
export class PaymentsModule {}
