import { PermanentError } from 'nestjs-durex';

type ErrorClass = abstract new (...args: never[]) => Error;

/**
 * Runs `work`, turning the errors of the given classes into durex's `PermanentError`: failures no
 * retry can fix (a declined card), so the command fails at once instead of spending its retries.
 * Every other error is left as it is, and retried.
 */
export async function failPermanentlyOn<T>(kinds: readonly ErrorClass[], work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (kinds.some((kind) => error instanceof kind)) throw new PermanentError((error as Error).message, { cause: error });
    throw error;
  }
}
