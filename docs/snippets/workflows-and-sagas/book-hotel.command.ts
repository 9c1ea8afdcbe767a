import { Command, type CommandContext, type CommandHandler, type Instance, Recover, Result } from 'nestjs-durex';
import { TravelApi } from '../shared/travel-api.js';
import type { Trip } from './trip.js';

@Command('bookHotel', { retries: 3 })
export class BookHotelCommand implements CommandHandler<Trip> {
  constructor(private readonly api: TravelApi) {}

  async execute(cmd: Instance<Trip>, ctx: CommandContext): Promise<Result> {
    const hotelBookingId = await this.api.bookHotel(cmd.data.tripId, ctx.signal);
    return cmd.continueSequence({ hotelBookingId });
  }

  /** Out of retries: undo what the earlier steps did. The flight's id came along in `data`. */
  @Recover()
  onFailure(cmd: Instance<Trip>): Result {
    return Result.next({ name: 'cancelFlight', data: { tripId: cmd.data.tripId, bookingId: cmd.data.flightBookingId } });
  }
}
