// The file writer. Every file is written to a temporary name, flushed, and
// renamed into place, so a crash never leaves a half-written letter or
// manifest behind (rename is atomic within a directory on POSIX).
import { mkdir, open, rename } from 'node:fs/promises';
import { join } from 'node:path';
import { MANIFEST_FILE, serializeManifest, type Manifest, type ManifestFile } from '../../core/letters/manifest.js';
import { sha256 } from '../../core/sha256.js';

/**
 * Test hook for the kill tests: KOMMUNEBREV_TEST_KILL_AT_STEP=N kills this
 * process with SIGKILL (as kill -9 does) at the N-th step of writing (each
 * file written, and each rename and removal of the render swap). Only ever
 * set by the test suite; a real kill, so nothing gets to clean up.
 */
let step = 0;
export function killPoint(): void {
  const at = process.env.KOMMUNEBREV_TEST_KILL_AT_STEP;
  if (at !== undefined && ++step === Number(at)) process.kill(process.pid, 'SIGKILL');
}

export async function writeFileAtomic(path: string, data: Uint8Array | string): Promise<void> {
  const tmp = `${path}.tmp-${process.pid}`;
  const fh = await open(tmp, 'w');
  try {
    await fh.writeFile(data);
    await fh.sync();
  } finally {
    await fh.close();
  }
  await rename(tmp, path);
  killPoint();
}

/** fsyncs a directory so that renames inside it survive a power loss. */
export async function syncDir(dir: string): Promise<void> {
  const fh = await open(dir, 'r');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}

/**
 * Runs `fn` over `items` with at most `limit` running at once. For writes of
 * many independent files: a file's fsync waits for the file system's journal,
 * and several in flight share one journal commit (196 small files with fsync:
 * ~150 ms one after another, ~50 ms eight at a time, on this machine).
 */
export async function forEachLimited<T>(
  items: readonly T[],
  limit: number,
  fn: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) await fn(items[next++] as T);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

/** What the manifest says of a letter file with these bytes. */
export function letterFileInfo(file: string, data: Buffer): ManifestFile {
  return { file, sha256: sha256(data), bytes: data.length };
}

/** Writes running at once, at most `limit`: add() waits while the limit is reached. A failed write fails add() or all(). */
export class WritesInFlight {
  private readonly running = new Set<Promise<unknown>>();
  private failed: { error: unknown } | undefined;

  constructor(private readonly limit: number) {}

  async add(write: Promise<unknown>): Promise<void> {
    this.running.add(write);
    write.then(
      () => this.running.delete(write),
      (error: unknown) => {
        this.running.delete(write);
        this.failed ??= { error };
      },
    );
    while (this.running.size >= this.limit && !this.failed) await Promise.race(this.running).catch(() => undefined);
    if (this.failed) throw this.failed.error;
  }

  async all(): Promise<void> {
    await Promise.allSettled(this.running);
    if (this.failed) throw this.failed.error;
  }
}

export async function writeLetterFile(dir: string, file: string, data: Buffer): Promise<ManifestFile> {
  await writeFileAtomic(join(dir, file), data);
  return letterFileInfo(file, data);
}

export async function ensureDir(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true });
}

/**
 * Writes manifest.json into render's staging folder. The folder is not
 * fsynced here: commitRender fsyncs it before the commit point (render-swap.ts).
 */
export async function writeManifest(staging: string, manifest: Manifest): Promise<void> {
  await writeFileAtomic(join(staging, MANIFEST_FILE), serializeManifest(manifest));
}
