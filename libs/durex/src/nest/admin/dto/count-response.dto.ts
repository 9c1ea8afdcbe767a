import { ApiProperty } from '@nestjs/swagger';

/**
 * The answer of `POST /commands/cancel-by-tag`.
 *
 * @publicApi
 */
export class CancelledResponseDto {
  @ApiProperty({ description: 'How many active instances were cancelled.' })
  cancelled!: number;
}

/**
 * The answer of `DELETE /dlq`.
 *
 * @publicApi
 */
export class PurgedResponseDto {
  @ApiProperty({ description: 'How many dead-lettered instances were deleted.' })
  purged!: number;
}
