// Lets a child Node process run the TypeScript sources directly, as Vitest does in tests:
// `node --import ./test/support/ts-loader/register.mjs child.ts`.
import { register } from 'node:module';

register('./hooks.mjs', import.meta.url);
