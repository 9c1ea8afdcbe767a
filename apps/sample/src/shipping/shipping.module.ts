import { Module } from '@nestjs/common';
import { ShippingService } from './shipping.service.js';

/** Shipments with the carrier. */
@Module({ providers: [ShippingService], exports: [ShippingService] })
export class ShippingModule {}
