import { DurexInstanceEventEntity } from './entities/instance-event.entity.js';
import { DurexInstanceEntity } from './entities/instance.entity.js';

/**
 * durex's entities. Add them to a DataSource you pass as `{ type: 'typeorm', dataSource }`:
 * `new DataSource({ …, entities: [...yourEntities, ...DUREX_ENTITIES] })`.
 *
 * @publicApi
 */
export const DUREX_ENTITIES = [DurexInstanceEntity, DurexInstanceEventEntity] as const;
