import { Injectable } from '@nestjs/common';
import { Command, type CommandHandler, DurexClient, type Instance, Result, seconds } from 'nestjs-durex';

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

/** The parent runs first: it returns the children, which run in parallel, and a watcher. */
@Command('planRenovation')
export class PlanRenovationCommand implements CommandHandler<House> {
  execute(cmd: Instance<House>): Result {
    const { houseId } = cmd.data;
    return Result.spawn(
      { name: 'paint', data: { houseId, room: 'kitchen' } },
      { name: 'paint', data: { houseId, room: 'hall' } },
      { name: 'awaitPainting', data: { houseId } },
    );
  }
}

/** The join BullMQ does for you: once no sibling `paint` is active, run `inspect`. */
@Command('awaitPainting', { period: seconds(5) })
export class AwaitPaintingCommand implements CommandHandler<House> {
  constructor(private readonly durex: DurexClient) {}

  async execute(cmd: Instance<House>): Promise<Result> {
    const rooms = await this.durex.find({ parentId: cmd.parentId!, name: 'paint' });
    if (rooms.some((room) => !room.isTerminal())) return Result.repeat();
    return Result.next({ name: 'inspect', data: cmd.data });
  }
}
