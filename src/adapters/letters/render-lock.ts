// The render lock (render.lock in the barometer folder): one process at a
// time stages, swaps in or repairs a render there. `render` holds it for
// its whole run; send, status and preview hold it only while they finish a
// render that was interrupted. A lock whose process no longer runs on this
// machine (kill -9, power loss) is stale and is taken over (lock-info.ts).
// Separate from send.lock, which belongs to `send`.
import { hostname } from 'node:os';
import { join } from 'node:path';
import { inspectLockFile, releaseLockFile, takeLockFile, type LockInfo, type LockState } from '../lock-info.js';

export const RENDER_LOCK_FILE = 'render.lock';

export type RenderLockHolder = LockInfo;

export type RenderLock = { ok: true; release(): Promise<void> } | { ok: false; holder: RenderLockHolder };

/** A holder that may still be working, or undefined when the lock is free or stale. */
function holderOf(state: LockState | { kind: 'raced' | 'gave-up' }): RenderLockHolder | undefined {
  switch (state.kind) {
    case 'running':
    case 'elsewhere':
      return state.info;
    case 'starting':
    case 'raced':
    case 'gave-up':
      return { pid: 0, host: hostname(), started: '' };
    default:
      return undefined;
  }
}

export async function acquireRenderLock(dir: string): Promise<RenderLock> {
  const path = join(dir, RENDER_LOCK_FILE);
  const taken = await takeLockFile(path);
  if (!taken.ok) return { ok: false, holder: holderOf(taken.state) ?? { pid: 0, host: hostname(), started: '' } };
  return { ok: true, release: () => releaseLockFile(path, taken.me) };
}

/** Who holds the lock now, if anyone who may still be working (for status). */
export async function inspectRenderLock(dir: string): Promise<RenderLockHolder | undefined> {
  return holderOf(await inspectLockFile(join(dir, RENDER_LOCK_FILE)));
}
