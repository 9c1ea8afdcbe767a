import { Inject } from '@nestjs/common';
import { DUREX_INSTANCE } from '../durex.constants.js';

/**
 * Injects the instance of the job being run into a request-scoped handler, or into any
 * request-scoped provider it depends on: each job gets its own DI sub-tree.
 *
 * ```ts
 * @Command('importFile', { scope: Scope.REQUEST })
 * export class ImportFileCommand implements CommandHandler<ImportData> {
 *   constructor(@InjectInstance() private readonly job: Instance<ImportData>, private readonly uow: UnitOfWork) {}
 * }
 * ```
 *
 * @publicApi
 */
export const InjectInstance = (): PropertyDecorator & ParameterDecorator => Inject(DUREX_INSTANCE);
