import { Injectable, type OnModuleInit } from '@nestjs/common';
import { Executor, Result } from 'nestjs-durex';

/** A handler without a class: register a function on the Executor before it starts. */
@Injectable()
export class CacheWarmer implements OnModuleInit {
  constructor(private readonly executor: Executor) {}

  onModuleInit(): void {
    this.executor.handle(
      'warmCache',
      async (cmd, ctx) => {
        const response = await fetch(`https://example.com/${cmd.getString('path')}`, { signal: ctx.signal });
        if (!response.ok) throw new Error(`HTTP ${response.status}`);
        return Result.empty();
      },
      { retries: 2, timeout: 5_000 },
    );
  }
}
