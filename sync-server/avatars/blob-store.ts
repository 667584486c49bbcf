// Avatar blobs on disk under DATA_DIR/avatars: one file per SHA-256 plus a small JSON record of its
// type and of the accounts that uploaded it (readers are checked against those owners' profiles).
import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { avatarMimeTypes } from '#shared/contract/avatars';

const BlobRecord = z.object({
  mime: z.enum(avatarMimeTypes),
  size: z.number().int().positive(),
  owners: z.array(z.string()).max(1000),
});
export type BlobRecord = z.infer<typeof BlobRecord>;

export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

export class AvatarBlobStore {
  private readonly dir: string;
  /** Record updates for one hash run one after another (two owners may upload the same image). */
  private readonly locks = new Map<string, Promise<unknown>>();

  constructor(dataDir: string) {
    this.dir = path.join(dataDir, 'avatars');
  }

  private file(hash: string, ext: string): string {
    return path.join(this.dir, `${hash}.${ext}`);
  }

  async record(hash: string): Promise<BlobRecord | undefined> {
    try {
      const parsed = BlobRecord.safeParse(JSON.parse(await readFile(this.file(hash, 'json'), 'utf8')));
      return parsed.success ? parsed.data : undefined;
    } catch {
      return undefined;
    }
  }

  read(hash: string): Promise<Buffer> {
    return readFile(this.file(hash, 'bin'));
  }

  /** Stores the bytes (once) and adds `ownerId` to the uploaders of this hash. */
  save(hash: string, mime: BlobRecord['mime'], bytes: Buffer, ownerId: string): Promise<BlobRecord> {
    const previous = this.locks.get(hash) ?? Promise.resolve();
    const run = previous.then(async () => {
      await mkdir(this.dir, { recursive: true });
      const existing = await this.record(hash);
      if (existing === undefined) await this.atomicWrite(this.file(hash, 'bin'), bytes);
      const owners = existing?.owners ?? [];
      const next: BlobRecord = {
        mime: existing?.mime ?? mime,
        size: bytes.byteLength,
        owners: owners.includes(ownerId) ? owners : [...owners, ownerId],
      };
      if (existing === undefined || next.owners.length !== owners.length) {
        await this.atomicWrite(this.file(hash, 'json'), Buffer.from(JSON.stringify(next)));
      }
      return next;
    });
    const settled = run.catch(() => undefined);
    this.locks.set(hash, settled);
    void settled.then(() => {
      if (this.locks.get(hash) === settled) this.locks.delete(hash);
    });
    return run;
  }

  private async atomicWrite(target: string, bytes: Buffer): Promise<void> {
    const temporary = `${target}.${process.pid}.${Date.now()}.tmp`;
    await writeFile(temporary, bytes);
    await rename(temporary, target);
  }
}
