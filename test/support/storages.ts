import { MemoryStorage, type DurexStorage } from 'nestjs-durex';

/** The storages every storage-touching suite runs on. */
export const STORAGE_KINDS = ['memory'] as const;
export type StorageKind = (typeof STORAGE_KINDS)[number];

/** A storage for one test, isolated from every other test, and how to dispose of it. */
export interface TestStorage {
  kind: StorageKind;
  storage: DurexStorage;
  /** Closes the storage and drops what the test created. */
  dispose(): Promise<void>;
}

/**
 * Opens a fresh, migrated storage of the given kind for the test named `testId` (use
 * `expect.getState().currentTestName`).
 */
export async function openTestStorage(kind: StorageKind, _testId: string): Promise<TestStorage> {
  const storage = new MemoryStorage();
  await storage.migrate();
  return { kind, storage, dispose: () => storage.close() };
}
