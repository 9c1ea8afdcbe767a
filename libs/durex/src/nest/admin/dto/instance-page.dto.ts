import { ApiProperty } from '@nestjs/swagger';
import { InstanceResponseDto } from './instance-response.dto.js';

/**
 * One page of a list, with the total number of matches for paging controls.
 *
 * @publicApi
 */
export class InstancePageDto {
  @ApiProperty({ type: [InstanceResponseDto] })
  items!: InstanceResponseDto[];

  @ApiProperty({ description: 'How many instances match, over all pages.' })
  total!: number;

  @ApiProperty()
  limit!: number;

  @ApiProperty()
  offset!: number;
}
