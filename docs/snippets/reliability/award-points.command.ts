import { Command, type CommandHandler, type Instance } from 'nestjs-durex';
import { DataSource } from 'typeorm';
import { LoyaltyAccount, ProcessedCommand } from './loyalty.js';

interface Award {
  customerId: string;
  points: number;
}

/** Applies its effect and records that it did, in one transaction of your own database. */
@Command('awardPoints', { retries: 3 })
export class AwardPointsCommand implements CommandHandler<Award> {
  constructor(private readonly dataSource: DataSource) {}

  async execute(cmd: Instance<Award>): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      // Already applied by an earlier run of this instance: nothing to do.
      if (await manager.existsBy(ProcessedCommand, { id: cmd.id })) return;
      // The primary key also stops two concurrent runs: the second insert fails and its transaction rolls back.
      await manager.insert(ProcessedCommand, { id: cmd.id });
      await manager.increment(LoyaltyAccount, { customerId: cmd.data.customerId }, 'points', cmd.data.points);
    });
  }
}
