// The render lock (render.lock in the barometer folder): one process at a
// time stages, swaps in or repairs a render there. `render` holds it for
// its whole run; send, status and preview hold it only while they finish a
// render that was interrupted. Taken with open(..., 'wx'); a lock whose
// process no longer runs on this machine (kill -9, power loss) is stale and
// is taken over. Separate from send.lock, which belongs to `send`.
import { hostname } from 'node:os';
import { open, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { processIsAlive, readLockInfo, type LockInfo } from '../lock-info.js';

export const RENDER_LOCK_FILE = 'render.lock';

export type RenderLockHolder = LockInfo;

export type RenderLock = { ok: true; release(): Promise<void> } | { ok: false; holder: RenderLockHolder };

/** Is the lock held by a process that may still be working? Unreadable and under 10 s old counts as held (its writer may be between open and write). */
async function heldBy(path: string): Promise<RenderLockHolder | undefined> {
  const holder = await readLockInfo(path);
  if (holder) return holder.host !== hostname() || processIsAlive(holder.pid) ? holder : undefined;
  const st = await stat(path).catch(() => undefined);
  return st && Date.now() - st.mtimeMs < 10_000 ? { pid: 0, host: hostname(), started: '' } : undefined;
}

export async function acquireRenderLock(dir: string): Promise<RenderLock> {
  const path = join(dir, RENDER_LOCK_FILE);
  const me: RenderLockHolder = { pid: process.pid, host: hostname(), started: new Date().toISOString() };
  for (let tries = 0; tries < 5; tries++) {
    try {
      const fh = await open(path, 'wx');
      try {
        await fh.writeFile(`${JSON.stringify(me)}\n`);
        await fh.sync();
      } finally {
        await fh.close();
      }
      return {
        ok: true,
        release: async () => {
          const now = await readLockInfo(path);
          if (now?.pid === me.pid && now.host === me.host) await rm(path, { force: true });
        },
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const holder = await heldBy(path);
    if (holder) return { ok: false, holder };
    // Stale: move it aside (atomic; only one taker wins). If what was moved
    // is a live lock someone took in between, put it back and yield.
    const aside = `${path}.stale-${process.pid}-${tries}`;
    const moved = await rename(path, aside).then(
      () => true,
      () => false,
    );
    if (moved) {
      const taken = await heldBy(aside);
      if (taken) {
        await rename(aside, path).catch(() => undefined);
        return { ok: false, holder: taken };
      }
      await rm(aside, { force: true });
    }
  }
  const holder = await readLockInfo(path);
  return { ok: false, holder: holder ?? { pid: 0, host: hostname(), started: '' } };
}

/** Who holds the lock now, if anyone who may still be working (for status). */
export async function inspectRenderLock(dir: string): Promise<RenderLockHolder | undefined> {
  return heldBy(join(dir, RENDER_LOCK_FILE));
}
