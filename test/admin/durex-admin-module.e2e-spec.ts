import { type CanActivate, type ExecutionContext, Injectable, Module, UnauthorizedException } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { InvalidOptionsError } from 'nestjs-durex';
import { DurexAdminModule, type DurexAdminModuleOptions, type DurexAdminOptionsFactory } from 'nestjs-durex/admin';
import { createAdminApp, expectNoInternals, type TestApp } from './http-app.js';

/** Refuses with 401, like an authentication guard without credentials. */
@Injectable()
class TokenGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<{ headers: Record<string, string | undefined> }>();
    if (request.headers.authorization !== 'Bearer ops-token') throw new UnauthorizedException('a bearer token is required for the durex admin API');
    return true;
  }
}

/** Refuses with 403, like a role check that fails. */
@Injectable()
class DenyGuard implements CanActivate {
  canActivate(): boolean {
    return false;
  }
}

/** Options from "configuration", for registerAsync. */
@Injectable()
class AdminConfig implements DurexAdminOptionsFactory {
  createDurexAdminOptions(): DurexAdminModuleOptions {
    return { readOnly: true };
  }
}

@Module({ providers: [AdminConfig], exports: [AdminConfig] })
class AdminConfigModule {}

const UNPROTECTED = /the durex admin API at \/durex has no guard.*DurexAdminModule\.register\(\{ path: 'durex', guard: AdminGuard \}\)/;

describe('DurexAdminModule', () => {
  let running: TestApp | undefined;

  afterEach(async () => {
    await running?.app.close();
    running = undefined;
  });

  describe('guard', () => {
    it('answers 401 with the guard message when a guard throws UnauthorizedException, and serves with the credentials', async () => {
      running = await createAdminApp({ admin: DurexAdminModule.register({ guard: TokenGuard }) });
      const refused = await running.http().get('/durex/stats').expect(401);
      expect(refused.body).toMatchObject({ statusCode: 401, message: 'a bearer token is required for the durex admin API' });
      expectNoInternals(refused.body);
      await running.http().post('/durex/commands').send({ name: 'x' }).expect(401);

      await running.http().get('/durex/stats').set('Authorization', 'Bearer ops-token').expect(200);
    });

    it('answers 403 when a guard returns false, on every route', async () => {
      running = await createAdminApp({ admin: DurexAdminModule.register({ guard: DenyGuard }) });
      for (const [method, url] of [['get', '/durex/commands'], ['get', '/durex/stats'], ['post', '/durex/commands/some-id/cancel'], ['delete', '/durex/dlq?olderThan=0']] as const) {
        const { body } = await running.http()[method](url).expect(403);
        expect(body).toMatchObject({ statusCode: 403, message: 'Forbidden resource' });
      }
    });

    it('accepts a guard instance', async () => {
      running = await createAdminApp({ admin: DurexAdminModule.register({ guard: { canActivate: () => false } }) });
      await running.http().get('/durex/stats').expect(403);
    });

    it('lets overrideGuard replace the guard in tests', async () => {
      running = await createAdminApp({
        admin: DurexAdminModule.register({ guard: DenyGuard }),
        override: (builder) => builder.overrideGuard(DenyGuard).useValue({ canActivate: () => true }),
      });
      await running.http().get('/durex/stats').expect(200);
    });

    it('warns at startup, once, that an unguarded admin API is open, saying how to add a guard', async () => {
      running = await createAdminApp();
      const warnings = running.logger.of('DurexAdmin').filter((line) => line.level === 'warn');
      expect(warnings).toHaveLength(1);
      expect(warnings[0]!.message).toMatch(UNPROTECTED);
    });

    it('does not warn when a guard is given', async () => {
      running = await createAdminApp({ admin: DurexAdminModule.register({ guard: DenyGuard }) });
      expect(running.logger.of('DurexAdmin')).toEqual([]);
    });
  });

  describe('registration', () => {
    it('mounts under a custom path, and registerAsync takes options from a factory (readOnly refuses writes with 403)', async () => {
      running = await createAdminApp({
        admin: DurexAdminModule.registerAsync({ path: '/ops/durex/', guard: TokenGuard, imports: [AdminConfigModule], useExisting: AdminConfig }),
      });
      const auth = { Authorization: 'Bearer ops-token' };
      await running.http().get('/durex/stats').set(auth).expect(404);
      await running.http().get('/ops/durex/stats').expect(401);
      await running.http().get('/ops/durex/commands').set(auth).expect(200);

      const refused = await running.http().post('/ops/durex/commands').set(auth).send({ name: 'anything' }).expect(403);
      expect(refused.body.message).toBe(
        'the durex admin API is read-only, so it cannot enqueue commands; register it without readOnly: true to allow changes',
      );
      expect((await running.http().delete('/ops/durex/dlq?olderThan=0').set(auth).expect(403)).body.message).toContain('cannot purge the dead letter queue');
      expect(running.logger.of('DurexAdmin')).toEqual([]);
    });

    it('registerAsync with useFactory', async () => {
      running = await createAdminApp({ admin: DurexAdminModule.registerAsync({ useFactory: () => ({ readOnly: false }) }) });
      await running.http().get('/durex/stats').expect(200);
      expect(running.logger.of('DurexAdmin').map((line) => line.message)).toEqual([expect.stringMatching(UNPROTECTED)]);
    });

    it.each([
      ['an empty path', { path: '/' }, "DurexAdminModule path: must be a non-empty route prefix such as 'durex' or 'ops/durex', got \"/\""],
      ['a guard that is not one', { guard: { allow: true } }, 'DurexAdminModule guard: must be a CanActivate class or an object with a canActivate() method, got an object (Object)'],
    ])('rejects %s with a message naming the option', (_description, options, message) => {
      const register = () => DurexAdminModule.register(options as Parameters<typeof DurexAdminModule.register>[0]);
      expect(register).toThrow(InvalidOptionsError);
      expect(register).toThrow(message);
    });
  });

  describe('OpenAPI', () => {
    it('describes every admin route, its parameters and responses', async () => {
      running = await createAdminApp({ admin: DurexAdminModule.register({ path: 'ops/durex', guard: DenyGuard }) });
      const document = SwaggerModule.createDocument(running.app, new DocumentBuilder().setTitle('ops').build());
      const routes = Object.entries(document.paths).flatMap(([path, item]) =>
        Object.keys(item)
          .filter((method) => ['get', 'post', 'delete', 'put', 'patch'].includes(method))
          .map((method) => `${method.toUpperCase()} ${path}`),
      );
      expect(routes.sort()).toEqual(
        [
          'GET /ops/durex/commands',
          'POST /ops/durex/commands',
          'POST /ops/durex/commands/cancel-by-tag',
          'GET /ops/durex/commands/{id}',
          'GET /ops/durex/commands/{id}/children',
          'POST /ops/durex/commands/{id}/cancel',
          'GET /ops/durex/dlq',
          'DELETE /ops/durex/dlq',
          'POST /ops/durex/dlq/{id}/replay',
          'GET /ops/durex/stats',
          'GET /ops/durex/stats/throughput',
        ].sort(),
      );

      const list = document.paths['/ops/durex/commands']!.get!;
      expect(list.tags).toEqual(['durex']);
      expect(list.summary).toBe('List command instances');
      const parameters = (list.parameters ?? []).map((parameter) => ('name' in parameter ? parameter.name : ''));
      expect(parameters).toEqual(expect.arrayContaining(['limit', 'offset', 'status', 'name', 'tag', 'correlationId', 'parentId', 'createdAfter', 'createdBefore', 'q', 'orderBy', 'order']));
      expect(Object.keys(list.responses)).toEqual(expect.arrayContaining(['200', '400']));
      const cancel = document.paths['/ops/durex/commands/{id}/cancel']!.post!;
      expect(Object.keys(cancel.responses)).toEqual(expect.arrayContaining(['200', '401', '403', '404', '409']));
      // Behind a guard every route, reads included, may answer 401 and 403.
      const stats = document.paths['/ops/durex/stats']!.get!;
      expect(Object.keys(stats.responses).sort()).toEqual(['200', '400', '401', '403', '503']);
      expect(stats.responses['401']).toMatchObject({ description: 'The guard found no valid credentials.' });
      expect(Object.keys(document.components?.schemas ?? {})).toEqual(
        expect.arrayContaining([
          'InstanceResponseDto',
          'InstancePageDto',
          'EnqueueCommandDto',
          'StatsResponseDto',
          'ErrorResponseDto',
          'CommandRateDto',
          'ClusterLimitsDto',
          'CommandClusterLimitDto',
          'RateWindowDto',
        ]),
      );
    });

    it('documents no guard responses when the admin API has no guard', async () => {
      running = await createAdminApp();
      const document = SwaggerModule.createDocument(running.app, new DocumentBuilder().setTitle('ops').build());
      expect(Object.keys(document.paths['/durex/stats']!.get!.responses).sort()).toEqual(['200', '400', '503']);
      expect(Object.keys(document.paths['/durex/commands']!.post!.responses).sort()).toEqual(['201', '400', '403', '409', '503']);
    });
  });
});
