import { Injectable } from '@nestjs/common';
import { DurexClient } from 'nestjs-durex';
import { TRIP_STEPS } from './trip.js';

@Injectable()
export class TripService {
  constructor(private readonly durex: DurexClient) {}

  async book(tripId: string): Promise<void> {
    await this.durex.add({
      name: 'bookFlight',
      data: { tripId },
      sequence: TRIP_STEPS, // bookHotel, then chargeTrip
      uniqueKey: `trip:${tripId}`, // held by whichever step is active, until the last one ends
      correlationId: `trip:${tripId}`, // every step and compensation carries it
    });
  }
}
