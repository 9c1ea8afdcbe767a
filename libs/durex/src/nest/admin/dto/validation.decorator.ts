import { applyDecorators } from '@nestjs/common';
import { Transform } from 'class-transformer';
import { IsInt, isISO8601, IsString, Length, Matches, ValidateBy } from 'class-validator';
import { ID_PATTERN } from '../../../core/ids.js';
import { isStorableTime } from '../../../core/storable-date.js';
import { MAX_FILTER_LENGTH } from '../durex-admin.constants.js';
import { DATE_MESSAGE, FILTER_TEXT_MESSAGE, ID_MESSAGE, INTEGER_MESSAGE } from '../durex-admin.messages.js';

/*
 * The checks the admin DTOs share. Query values arrive as strings, so numbers and lists are
 * converted here, strictly: anything that is not plainly a number or a list is left as it came and
 * fails the validation that follows with a message, instead of being coerced into something valid.
 */

/** A whole number from a query string: only digits (with an optional minus) are converted. */
export function IsWholeNumber(): PropertyDecorator {
  return applyDecorators(
    Transform(({ value }: { value: unknown }) => (typeof value === 'string' && /^-?\d+$/.test(value) ? Number(value) : value)),
    IsInt({ message: INTEGER_MESSAGE }),
  );
}

/** One value or a comma-separated list (`?status=PENDING,STARTED`, or the parameter repeated). */
export function ToList(): PropertyDecorator {
  return Transform(({ value }: { value: unknown }) => {
    const parts = Array.isArray(value) ? value : [value];
    return parts.flatMap((part) => (typeof part === 'string' ? part.split(',').map((item) => item.trim()) : [part]));
  });
}

/**
 * Text to filter by: any characters a spec may hold (quotes, `%`, `;` included: storage binds every
 * value as a parameter), but never NUL or lone surrogates, which PostgreSQL refuses outright.
 */
export function IsFilterText(): PropertyDecorator {
  return applyDecorators(
    IsString(),
    Length(1, MAX_FILTER_LENGTH),
    ValidateBy({
      name: 'isStorableText',
      validator: {
        validate: (value: unknown) => typeof value === 'string' && !value.includes('\u0000') && value.isWellFormed(),
        defaultMessage: () => FILTER_TEXT_MESSAGE,
      },
    }),
  );
}

/** An instance id, as every id generator makes them (core's `ID_PATTERN`). */
export function IsInstanceId(): PropertyDecorator {
  return applyDecorators(IsString({ message: ID_MESSAGE }), Matches(ID_PATTERN, { message: ID_MESSAGE }));
}

/**
 * An ISO 8601 date and time that JavaScript can also read (ISO forms such as week dates pass
 * `isISO8601` but make an Invalid Date, which no storage can compare with), within the years every
 * storage holds (PostgreSQL refuses a time before 4714 BC outright).
 */
export function IsIsoDate(): PropertyDecorator {
  return ValidateBy({
    name: 'isIsoDate',
    validator: {
      validate: (value: unknown) => typeof value === 'string' && isISO8601(value, { strict: true }) && isStorableTime(Date.parse(value)),
      defaultMessage: () => DATE_MESSAGE,
    },
  });
}
