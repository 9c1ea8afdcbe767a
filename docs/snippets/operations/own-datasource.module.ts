import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DUREX_ENTITIES, DUREX_MIGRATIONS, DurexModule } from 'nestjs-durex';
import { DataSource } from 'typeorm';

@Module({
  imports: [
    TypeOrmModule.forRoot({
      type: 'postgres',
      url: process.env.DATABASE_URL,
      entities: [/* your entities, */ ...DUREX_ENTITIES],
      // durex's migrations run with yours and are recorded in TypeORM's migrations table.
      migrations: [/* your migrations, */ ...DUREX_MIGRATIONS],
      migrationsRun: true,
    }),
    DurexModule.forRootAsync({
      inject: [DataSource],
      useFactory: (dataSource: DataSource) => ({
        storage: { type: 'typeorm', dataSource }, // durex never destroys it; @nestjs/typeorm does
        migrate: false, // TypeORM runs DUREX_MIGRATIONS above
      }),
    }),
  ],
})
export class AppModule {}
