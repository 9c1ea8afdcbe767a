import { Injectable } from '@nestjs/common';
import { Command, type CommandHandler, DurexClient, type Instance, Result } from 'nestjs-durex';

interface House {
  houseId: string;
}

@Injectable()
export class Renovations {
  constructor(private readonly durex: DurexClient) {}

  renovate(houseId: string) {
    return this.durex.add({ name: 'planRenovation', data: { houseId } });
  }
}

/** The parent runs first: it returns the children, which run in parallel, and the step that joins them. */
@Command('planRenovation')
export class PlanRenovationCommand implements CommandHandler<House> {
  execute(cmd: Instance<House>): Result {
    const { houseId } = cmd.data;
    return Result.spawnThen(
      [
        { name: 'paint', data: { houseId, room: 'kitchen' } },
        { name: 'paint', data: { houseId, room: 'hall' } },
      ],
      // Runs once both rooms have ended; ctx.outcomes() says how each one did.
      { name: 'inspect', data: { houseId } },
    );
  }
}
