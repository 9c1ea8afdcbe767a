import { Command, type CommandHandler, type Instance, PermanentError, Result } from 'nestjs-durex';

interface ImportJob {
  fileId: string;
  cursor?: number;
}

@Command('importFile', { retries: 3 })
export class ImportFileCommand implements CommandHandler<ImportJob> {
  async execute(cmd: Instance<ImportJob>): Promise<Result | void> {
    const file = await this.load(cmd.data.fileId);
    if (!file) throw new PermanentError(`file ${cmd.data.fileId} does not exist`); // no retries: fail now
    if (!file.ready) return Result.retry(); // spend a retry, after the backoff; Recover is not called

    const { rows, next } = await this.readChunk(file.id, cmd.data.cursor ?? 0);
    cmd.set('cursor', next); // saved with the outcome

    const children = rows.map((row) => ({ name: 'importRow', data: { fileId: file.id, row } }));
    if (next !== null) return Result.repeat(...children); // run again after `period`, with children
    return Result.spawn(...children, { name: 'importDone', data: { fileId: file.id } });
    // Returning nothing (or Result.empty()) completes the instance with no follow-up.
  }

  private async load(id: string): Promise<{ id: string; ready: boolean } | null> {
    return { id, ready: true };
  }

  private async readChunk(_id: string, cursor: number): Promise<{ rows: string[]; next: number | null }> {
    return { rows: [`row ${cursor}`], next: null };
  }
}
