/**
 * The times every storage holds exactly: years 0000 to 9999. PostgreSQL's timestamptz starts in
 * 4714 BC, and beyond year 9999 dates leave the ISO form most tools read; JavaScript's Date reaches
 * year 275760 both ways, so a date outside this range is a mistake, not a deadline.
 */
const EARLIEST_STORABLE_TIME = Date.parse('0000-01-01T00:00:00.000Z');
const LATEST_STORABLE_TIME = Date.parse('9999-12-31T23:59:59.999Z');

/** What a rejected date is told. */
export const STORABLE_DATE_RANGE = 'between 0000-01-01T00:00:00.000Z and 9999-12-31T23:59:59.999Z';

/** True for epoch milliseconds (a Date's `getTime()`, NaN for an invalid one) within {@link STORABLE_DATE_RANGE}. */
export function isStorableTime(time: number): boolean {
  return Number.isFinite(time) && time >= EARLIEST_STORABLE_TIME && time <= LATEST_STORABLE_TIME;
}
