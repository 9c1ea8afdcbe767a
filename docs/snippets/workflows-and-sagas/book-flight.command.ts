import { Command, type CommandContext, type CommandHandler, type Instance, Result } from 'nestjs-durex';
import { TravelApi } from '../shared/travel-api.js';
import type { Trip } from './trip.js';

@Command('bookFlight', { retries: 3 })
export class BookFlightCommand implements CommandHandler<Trip> {
  constructor(private readonly api: TravelApi) {}

  async execute(cmd: Instance<Trip>, ctx: CommandContext): Promise<Result> {
    const flightBookingId = await this.api.bookFlight(cmd.data.tripId, ctx.signal);
    // The next step (bookHotel) gets { tripId, flightBookingId } and the rest of the sequence.
    return cmd.continueSequence({ flightBookingId });
  }
  // No @Recover: if the first step fails for good, nothing was booked and there is nothing to undo.
}
