import { Injectable, Module } from '@nestjs/common';
import { DurexModule, type DurexModuleOptions, type DurexOptionsFactory } from 'nestjs-durex';

/** Builds the options when the module starts, with whatever it injects (a config service, say). */
@Injectable()
export class DurexConfig implements DurexOptionsFactory {
  createDurexOptions(): DurexModuleOptions {
    const url = process.env.DATABASE_URL;
    return {
      storage: url ? { type: 'postgres', url } : { type: 'sqlite', database: process.env.SQLITE_FILE ?? 'durex.db' },
      parallelism: Number(process.env.DUREX_PARALLELISM ?? 4),
      autoStart: process.env.DUREX_WORKER !== 'false',
    };
  }
}

@Module({
  imports: [DurexModule.forRootAsync({ useClass: DurexConfig })],
})
export class AppModule {}
