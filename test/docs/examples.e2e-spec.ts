/**
 * The documented examples do what their pages say they do. The classes are the snippet files
 * themselves (docs/snippets/), run on every storage.
 */
import { Injectable } from '@nestjs/common';
import { DuplicateCommandError, EventType, PermanentError, Status } from 'nestjs-durex';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ImportTenantFileCommand, TenantContext } from '../../docs/snippets/concepts/per-job-handler.js';
import { MailService } from '../../docs/snippets/getting-started/mail.service.js';
import { SignupService } from '../../docs/snippets/getting-started/signup.service.js';
import { SendWelcomeEmailCommand } from '../../docs/snippets/getting-started/welcome-email.command.js';
import { TravelApi } from '../../docs/snippets/shared/travel-api.js';
import { BookFlightCommand } from '../../docs/snippets/workflows-and-sagas/book-flight.command.js';
import { BookHotelCommand } from '../../docs/snippets/workflows-and-sagas/book-hotel.command.js';
import { ChargeTripCommand } from '../../docs/snippets/workflows-and-sagas/charge-trip.command.js';
import { CancelFlightCommand, CancelHotelCommand } from '../../docs/snippets/workflows-and-sagas/compensations.js';
import { FinishAlbumCommand, ProcessAlbumCommand } from '../../docs/snippets/workflows-and-sagas/fan-out.js';
import { TripService } from '../../docs/snippets/workflows-and-sagas/trip.service.js';
import { createDurexApp, type DurexTestApp, waitForInstances, waitForStatus } from '../fixtures/durex-app.js';
import { STORAGE_KINDS } from '../support/storages.js';

/** A mailer that records instead of sending. */
@Injectable()
class RecordingMailService extends MailService {
  readonly sent: string[] = [];
  override async send(to: string): Promise<void> {
    this.sent.push(to);
  }
}

/** The travel API with switchable failures. */
@Injectable()
class ScriptedTravelApi extends TravelApi {
  static hotelFails = false;
  static chargeDeclined = false;
  readonly cancelled: string[] = [];

  override async bookHotel(tripId: string, signal: AbortSignal): Promise<string> {
    if (ScriptedTravelApi.hotelFails) throw new Error('no rooms');
    return super.bookHotel(tripId, signal);
  }
  override async charge(tripId: string, signal: AbortSignal): Promise<string> {
    if (ScriptedTravelApi.chargeDeclined) throw new PermanentError('card declined');
    return super.charge(tripId, signal);
  }
  override async cancelFlight(bookingId: string): Promise<void> {
    this.cancelled.push(bookingId);
  }
  override async cancelHotel(bookingId: string): Promise<void> {
    this.cancelled.push(bookingId);
  }
}

const TRIP_PROVIDERS = [
  TripService,
  BookFlightCommand,
  BookHotelCommand,
  ChargeTripCommand,
  CancelFlightCommand,
  CancelHotelCommand,
  { provide: TravelApi, useClass: ScriptedTravelApi },
];

describe.each(STORAGE_KINDS)('documented examples on %s', (kind) => {
  let running: DurexTestApp | undefined;

  afterEach(async () => {
    await running?.app.close();
    running = undefined;
    ScriptedTravelApi.hotelFails = false;
    ScriptedTravelApi.chargeDeclined = false;
  });

  it('getting started: a signup enqueues one welcome email, refuses a duplicate while it is queued, and sends it', async () => {
    running = await createDurexApp([SendWelcomeEmailCommand, SignupService, { provide: MailService, useClass: RecordingMailService }], {
      storage: kind,
      autoStart: false,
    });
    const signups = running.app.get(SignupService);
    const queued = await signups.signup({ id: 'u1', email: 'ada@example.com' });
    expect([queued.status, queued.uniqueKey, queued.maxRetries, queued.timeout]).toEqual([Status.PENDING, 'welcome:u1', 3, 10_000]);
    await expect(signups.signup({ id: 'u1', email: 'ada@example.com' })).rejects.toBeInstanceOf(DuplicateCommandError);

    await running.executor.start();
    const done = await waitForStatus(running.client, queued.id, Status.COMPLETED);
    expect(done.history.map((event) => event.type)).toEqual([EventType.CREATED, EventType.STARTED, EventType.COMPLETED]);
    expect((running.app.get(MailService) as RecordingMailService).sent).toEqual(['ada@example.com']);
  });

  it('concepts: a per-job handler gets its own request-scoped providers, with the job injected', async () => {
    const log = vi.spyOn(console, 'log').mockImplementation(() => undefined);
    try {
      running = await createDurexApp([TenantContext, ImportTenantFileCommand], { storage: kind });
      const jobs = await running.client.addMany([
        { name: 'importTenantFile', data: { tenantId: 'acme', fileId: 'f1' } },
        { name: 'importTenantFile', data: { tenantId: 'globex', fileId: 'f2' } },
      ]);
      for (const job of jobs) await waitForStatus(running.client, job.id, Status.COMPLETED);
      expect(log.mock.calls.map(([line]) => line).sort()).toEqual(['importing f1 for tenant acme', 'importing f2 for tenant globex']);
    } finally {
      log.mockRestore();
    }
  });

  it('workflows: the trip sequence carries its data and its unique key through every step', async () => {
    running = await createDurexApp(TRIP_PROVIDERS, { storage: kind });
    await running.app.get(TripService).book('t1');
    const [charge] = await waitForInstances(running.client, { name: 'chargeTrip', status: Status.COMPLETED });
    expect(charge!.data).toEqual({ tripId: 't1', flightBookingId: 'flight-t1', hotelBookingId: 'hotel-t1', chargeId: 'charge-t1' });
    const steps = await running.client.find({ correlationId: 'trip:t1', orderBy: 'createdAt' });
    expect(steps.map((step) => [step.name, step.status, step.uniqueKey])).toEqual([
      ['bookFlight', Status.COMPLETED, 'trip:t1'],
      ['bookHotel', Status.COMPLETED, 'trip:t1'],
      ['chargeTrip', Status.COMPLETED, 'trip:t1'],
    ]);
  });

  it('workflows: a hotel that fails for good cancels the flight booked before it', async () => {
    ScriptedTravelApi.hotelFails = true;
    running = await createDurexApp(TRIP_PROVIDERS, { storage: kind });
    await running.app.get(TripService).book('t2');
    const [cancel] = await waitForInstances(running.client, { name: 'cancelFlight', status: Status.COMPLETED });
    const [hotel] = await running.client.find({ name: 'bookHotel' });
    expect([hotel!.status, hotel!.attempt, hotel!.error]).toEqual([Status.FAILED, 4, 'no rooms']);
    expect([cancel!.parentId, cancel!.correlationId, cancel!.data]).toEqual([hotel!.id, 'trip:t2', { tripId: 't2', bookingId: 'flight-t2' }]);
    expect((running.app.get(TravelApi) as ScriptedTravelApi).cancelled).toEqual(['flight-t2']);
    expect(await running.client.count({ name: 'chargeTrip' })).toBe(0);
  });

  it('workflows: a declined charge skips its retries and compensates the hotel and the flight', async () => {
    ScriptedTravelApi.chargeDeclined = true;
    running = await createDurexApp(TRIP_PROVIDERS, { storage: kind });
    await running.app.get(TripService).book('t3');
    await waitForInstances(running.client, { name: 'cancelHotel', status: Status.COMPLETED });
    await waitForInstances(running.client, { name: 'cancelFlight', status: Status.COMPLETED });
    const [charge] = await running.client.find({ name: 'chargeTrip' });
    expect([charge!.status, charge!.attempt, charge!.retries]).toEqual([Status.FAILED, 1, 10]);
    expect((running.app.get(TravelApi) as ScriptedTravelApi).cancelled.sort()).toEqual(['flight-t3', 'hotel-t3']);
  });

  it('workflows: the fan-in continuation runs once every child has ended, with their outcomes', async () => {
    running = await createDurexApp([ProcessAlbumCommand, FinishAlbumCommand], { storage: kind });
    running.executor.handle('makeThumbnail', (cmd) => {
      if (cmd.getString('photoId') === 'p2') throw new PermanentError('corrupt image');
      cmd.set('url', `thumb/${cmd.getString('photoId')}`);
    });
    const published: unknown[] = [];
    running.executor.handle('publishAlbum', (cmd) => void published.push(cmd.data));
    await running.client.add({ name: 'processAlbum', data: { albumId: 'a1', photoIds: ['p1', 'p2', 'p3'] } });
    await waitForInstances(running.client, { name: 'publishAlbum', status: Status.COMPLETED });
    expect(published).toEqual([{ albumId: 'a1', urls: ['thumb/p1', 'thumb/p3'], failed: ['p2: corrupt image'] }]);
    expect(await running.client.count({ name: 'finishAlbum' })).toBe(1);
  }, 20_000);
});
