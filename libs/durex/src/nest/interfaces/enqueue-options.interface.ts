/**
 * Options of `DurexClient.add` and `DurexClient.addMany`.
 *
 * @publicApi
 */
export interface EnqueueOptions {
  /**
   * A TypeORM `EntityManager` of an open transaction (`dataSource.transaction(async (manager) => …)`):
   * the instances are written inside it, so they exist if and only if the caller commits. Only
   * TypeORM-backed storages accept one.
   */
  manager?: unknown;
}
