// The file writer. Every file is written to a temporary name, flushed, and
// renamed into place, so a crash never leaves a half-written letter or
// manifest behind (rename is atomic within a directory on POSIX).
import { mkdir, open, readdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { MANIFEST_FILE, type Manifest, type ManifestFile } from '../../core/letters/manifest.js';
import { sha256 } from '../../core/sha256.js';

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

export async function writeLetterFile(dir: string, file: string, data: Buffer): Promise<ManifestFile> {
  await writeFileAtomic(join(dir, file), data);
  return { file, sha256: sha256(data), bytes: data.length };
}

export async function ensureDir(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true });
}

export async function writeManifest(dir: string, manifest: Manifest): Promise<void> {
  await writeFileAtomic(join(dir, MANIFEST_FILE), `${JSON.stringify(manifest, null, 2)}\n`);
  await syncDir(dir);
}

/** Removes letters left by an earlier render that the new manifest no longer lists
 *  (e.g. a kommune whose cases were removed), so the folder matches the manifest. */
export async function removeStaleLetters(dir: string, keep: ReadonlySet<string>): Promise<string[]> {
  const removed: string[] = [];
  for (const name of await readdir(dir)) {
    if (/^\d{3}-[a-z0-9-]+\.(pdf|eml)$/.test(name) && !keep.has(name)) {
      await rm(join(dir, name));
      removed.push(name);
    }
  }
  return removed;
}
