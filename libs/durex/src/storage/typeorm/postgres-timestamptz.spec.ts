import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { parseTimestamptz } from './postgres.dialect.js';

const driver = pg.types.getTypeParser(1184, 'text') as (text: string) => Date | number;

describe('parseTimestamptz', () => {
  it('reads what the driver reads, for every offset form, fraction length and the fallbacks', () => {
    const texts = [
      '2026-11-28 08:21:43.643669+00',
      '2026-11-28 08:21:43.6+00',
      '2026-11-28 08:21:43.999999+00',
      '2026-11-28 08:21:43+00',
      '2026-11-28 23:59:59.123-03',
      '2026-03-29 01:30:00.5+05:30',
      '1900-01-01 00:00:00+00:09:21',
      '1970-01-01 00:00:00.001+00',
      '0099-12-31 23:59:59+00',
      '2026-11-28 08:21:43.643669+00 BC',
      '10000-01-01 00:00:00+00',
      'infinity',
      '-infinity',
    ];
    for (const text of texts) {
      const expected = driver(text);
      const actual = parseTimestamptz(text);
      expect({ text, time: Number(actual) }).toEqual({ text, time: Number(expected) });
    }
  });

  it('agrees with the driver on random times in random zones', () => {
    for (let n = 0; n < 2_000; n++) {
      const time = Math.floor(Math.random() * 4_000_000_000_000) - 1_000_000_000_000;
      const micros = String(Math.floor(Math.random() * 1_000_000)).padStart(6, '0').slice(0, 1 + Math.floor(Math.random() * 6));
      const offsetMinutes = (Math.floor(Math.random() * 57) - 28) * 30;
      const local = new Date(time + offsetMinutes * 60_000).toISOString().slice(0, 19).replace('T', ' ');
      const hours = String(Math.floor(Math.abs(offsetMinutes) / 60)).padStart(2, '0');
      const minutes = Math.abs(offsetMinutes) % 60 ? `:${String(Math.abs(offsetMinutes) % 60).padStart(2, '0')}` : '';
      const text = `${local}.${micros}${offsetMinutes < 0 ? '-' : '+'}${hours}${minutes}`;
      expect({ text, time: parseTimestamptz(text).getTime() }).toEqual({ text, time: (driver(text) as Date).getTime() });
    }
  });
});
