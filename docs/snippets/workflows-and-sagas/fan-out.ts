import { Command, type CommandHandler, DurexClient, type Instance, Result, seconds, Status } from 'nestjs-durex';

interface Album {
  albumId: string;
  photoIds: string[];
}

/** Fan-out: one child per photo, plus a watcher that waits for them. */
@Command('processAlbum')
export class ProcessAlbumCommand implements CommandHandler<Album> {
  execute(cmd: Instance<Album>): Result {
    const { albumId, photoIds } = cmd.data;
    return Result.spawn(
      ...photoIds.map((photoId) => ({ name: 'makeThumbnail', data: { albumId, photoId }, retries: 3 })),
      { name: 'awaitThumbnails', data: { albumId } },
    );
  }
}

/**
 * Fan-in: durex has no join, so a sibling polls. It repeats every 5 s until no thumbnail of the
 * album is active, then starts the next step with the count of failures.
 */
@Command('awaitThumbnails', { period: seconds(5) })
export class AwaitThumbnailsCommand implements CommandHandler<{ albumId: string }> {
  constructor(private readonly durex: DurexClient) {}

  async execute(cmd: Instance<{ albumId: string }>): Promise<Result> {
    const thumbnails = await this.durex.find({ parentId: cmd.parentId!, name: 'makeThumbnail' });
    if (thumbnails.some((thumbnail) => !thumbnail.isTerminal())) return Result.repeat();
    const failed = thumbnails.filter((thumbnail) => thumbnail.status !== Status.COMPLETED).length;
    return Result.next({ name: 'publishAlbum', data: { albumId: cmd.data.albumId, failed } });
  }
}
