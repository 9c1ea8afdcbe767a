import { Command, type CommandContext, type CommandHandler, exponentialBackoff, Expired, type Instance, minutes, Recover, Result, type Spec } from 'nestjs-durex';
import { TravelApi } from '../shared/travel-api.js';
import type { Trip } from './trip.js';

@Command('chargeTrip', {
  retries: 10,
  backoff: exponentialBackoff({ initial: 5_000, max: 60_000 }),
  deadline: minutes(15), // the customer will not wait longer than this for a payment
})
export class ChargeTripCommand implements CommandHandler<Trip> {
  constructor(private readonly api: TravelApi) {}

  async execute(cmd: Instance<Trip>, ctx: CommandContext): Promise<Result> {
    cmd.set('chargeId', await this.api.charge(cmd.data.tripId, ctx.signal)); // saved with the outcome
    // The last step: continueSequence() returns Result.empty(), and the workflow is complete.
    return cmd.continueSequence();
  }

  /** The card was declined on every attempt, or a PermanentError was thrown. */
  @Recover()
  onFailure(cmd: Instance<Trip>, error: Error): Result {
    return Result.spawn(...compensations(cmd.data, `payment failed: ${error.message}`));
  }

  /** Still waiting for a retry when the deadline passed: give up and undo. */
  @Expired()
  onExpired(cmd: Instance<Trip>): Result {
    return Result.spawn(...compensations(cmd.data, 'payment not completed within 15 minutes'));
  }
}

/** Each compensation is a command of its own, with its own retries. */
function compensations(trip: Trip, reason: string): Spec[] {
  return [
    { name: 'cancelHotel', data: { tripId: trip.tripId, bookingId: trip.hotelBookingId, reason } },
    { name: 'cancelFlight', data: { tripId: trip.tripId, bookingId: trip.flightBookingId, reason } },
  ];
}
