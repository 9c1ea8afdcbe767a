// A deploy step that creates or upgrades durex's tables, for applications started with `migrate: false`.
import { createTypeOrmStorage } from 'nestjs-durex';

const storage = await createTypeOrmStorage({ type: 'postgres', url: process.env.DATABASE_URL!, schema: 'durex' });
try {
  await storage.migrate(); // idempotent; concurrent runs are serialised by an advisory lock
} finally {
  await storage.close();
}
