import { Command, type CommandHandler, type Instance } from 'nestjs-durex';
import { TravelApi } from '../shared/travel-api.js';

interface Cancellation {
  tripId: string;
  bookingId?: string;
}

/** Compensations run at least once, like any command: cancelling twice must be harmless. */
@Command('cancelFlight', { retries: 10 })
export class CancelFlightCommand implements CommandHandler<Cancellation> {
  constructor(private readonly api: TravelApi) {}

  async execute(cmd: Instance<Cancellation>): Promise<void> {
    if (cmd.data.bookingId) await this.api.cancelFlight(cmd.data.bookingId);
  }
}

@Command('cancelHotel', { retries: 10 })
export class CancelHotelCommand implements CommandHandler<Cancellation> {
  constructor(private readonly api: TravelApi) {}

  async execute(cmd: Instance<Cancellation>): Promise<void> {
    if (cmd.data.bookingId) await this.api.cancelHotel(cmd.data.bookingId);
  }
}
