import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { AppModule } from './app.module.js';

const app = await NestFactory.create(AppModule);
// On SIGTERM / SIGINT durex stops claiming, lets running commands finish (30 s by default),
// and hands back whatever is still running as PENDING before the process exits.
app.enableShutdownHooks();
await app.listen(3000);
