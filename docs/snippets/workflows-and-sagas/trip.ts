/** What the trip workflow carries from step to step; each step adds what it booked. */
export interface Trip {
  tripId: string;
  flightBookingId?: string;
  hotelBookingId?: string;
  chargeId?: string;
}

/** The steps after `bookFlight`, in order. */
export const TRIP_STEPS = ['bookHotel', 'chargeTrip'];
