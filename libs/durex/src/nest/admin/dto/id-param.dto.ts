import { ApiProperty } from '@nestjs/swagger';
import { IsInstanceId } from './validation.decorator.js';

/**
 * The `:id` of a route naming one instance.
 *
 * @publicApi
 */
export class IdParamDto {
  @ApiProperty({ description: 'The instance id.', example: '01J9Z3K6R2W8M4Q7T1V5X9B3C6' })
  @IsInstanceId()
  id!: string;
}
