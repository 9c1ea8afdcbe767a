import { Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { loadDatabaseConfig, typeOrmOptions } from '../config/database.config.js';
import { UnitOfWork } from './unit-of-work.service.js';

/**
 * The application's DataSource (migrated at startup) and {@link UnitOfWork}, for every module. The
 * settings are read when the module is created, so each application instance can point elsewhere.
 */
@Global()
@Module({
  imports: [TypeOrmModule.forRootAsync({ useFactory: () => typeOrmOptions(loadDatabaseConfig()) })],
  providers: [UnitOfWork],
  exports: [UnitOfWork],
})
export class DatabaseModule {}
