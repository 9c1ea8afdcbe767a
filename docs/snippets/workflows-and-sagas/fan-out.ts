import { Command, type CommandContext, type CommandHandler, type Instance, Result, Status } from 'nestjs-durex';

interface Album {
  albumId: string;
  photoIds: string[];
}

interface Thumbnail {
  albumId: string;
  photoId: string;
  /** Set by makeThumbnail when it succeeds. */
  url?: string;
}

/** Fan-out: one child per photo; fan-in: `finishAlbum` runs once every one of them has ended. */
@Command('processAlbum')
export class ProcessAlbumCommand implements CommandHandler<Album> {
  execute(cmd: Instance<Album>): Result {
    const { albumId, photoIds } = cmd.data;
    return Result.spawnThen(
      photoIds.map((photoId) => ({ name: 'makeThumbnail', data: { albumId, photoId }, retries: 3 })),
      { name: 'finishAlbum', data: { albumId } },
    );
  }
}

/** Runs once, after the last thumbnail completed or failed for good; reads how each one ended. */
@Command('finishAlbum')
export class FinishAlbumCommand implements CommandHandler<{ albumId: string }> {
  async execute(cmd: Instance<{ albumId: string }>, ctx: CommandContext): Promise<Result> {
    const thumbnails = await ctx.outcomes<Thumbnail>();
    const urls = thumbnails.flatMap((t) => (t.status === Status.COMPLETED && t.data.url ? [t.data.url] : []));
    const failed = thumbnails.filter((t) => t.status !== Status.COMPLETED).map((t) => `${t.data.photoId}: ${t.error}`);
    return Result.next({ name: 'publishAlbum', data: { albumId: cmd.data.albumId, urls, failed } });
  }
}
