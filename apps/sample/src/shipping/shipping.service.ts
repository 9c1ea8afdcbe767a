import { createHash } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { Order } from '../orders/order.entity.js';
import { UnsupportedDestinationError } from './shipping.errors.js';

/** "XX" is the code ISO 3166 leaves for unknown places: the carriers of this sample refuse it. */
const UNSERVED_COUNTRIES = new Set(['XX']);

/** Books shipments with the carrier, simulated in process. */
@Injectable()
export class ShippingService {
  /**
   * Books the shipment of an order and returns its tracking number. Booking the same order again
   * returns the same number. Throws {@link UnsupportedDestinationError}.
   */
  async book(order: Pick<Order, 'id' | 'shippingAddress'>, signal?: AbortSignal): Promise<{ trackingNumber: string }> {
    signal?.throwIfAborted();
    const { country } = order.shippingAddress;
    if (UNSERVED_COUNTRIES.has(country)) throw new UnsupportedDestinationError(country);
    return { trackingNumber: `TRK${createHash('sha256').update(order.id).digest('hex').slice(0, 12).toUpperCase()}` };
  }
}
