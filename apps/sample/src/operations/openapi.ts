import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';

/** Where the OpenAPI UI is served; the document itself is at `/<path>-json`. */
export const OPENAPI_PATH = 'docs';

/**
 * Serves the OpenAPI description of every route (the orders API and the operations surface) with
 * Swagger UI. Part of the application's setup rather than a module: Swagger reads the routes of the
 * created application.
 */
export function mountOpenApi(app: INestApplication): void {
  const config = new DocumentBuilder()
    .setTitle('durex sample: order service')
    .setDescription('Orders processed by a durable durex workflow: validate, reserve, charge, ship, confirm, with compensations.')
    .addBearerAuth()
    .build();
  SwaggerModule.setup(OPENAPI_PATH, app, () => SwaggerModule.createDocument(app, config));
}
