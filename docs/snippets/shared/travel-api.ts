import { Injectable } from '@nestjs/common';

/** Stands in for the partner APIs of the trip examples. */
@Injectable()
export class TravelApi {
  async bookFlight(tripId: string, _signal: AbortSignal): Promise<string> {
    return `flight-${tripId}`;
  }
  async cancelFlight(_bookingId: string): Promise<void> {}
  async bookHotel(tripId: string, _signal: AbortSignal): Promise<string> {
    return `hotel-${tripId}`;
  }
  async cancelHotel(_bookingId: string): Promise<void> {}
  async charge(tripId: string, _signal: AbortSignal): Promise<string> {
    return `charge-${tripId}`;
  }
}
