// Lock files, shared by send.lock and render.lock: one JSON line
// {pid, host, started}, created with open(..., 'wx') so only one process can
// make it. A lock is stale when its process no longer runs on this machine
// (kill -9, power loss); a stale lock is moved aside atomically and taken
// over. What each lock says to the user stays with its owner.
import { hostname } from 'node:os';
import { open, readFile, rename, rm, stat, type FileHandle } from 'node:fs/promises';

export interface LockInfo {
  pid: number;
  host: string;
  started: string;
}

export function processIsAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it exists but belongs to someone else.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The holder named in a lock file; undefined when it is missing, unreadable or half-written. */
export async function readLockInfo(path: string): Promise<LockInfo | undefined> {
  try {
    const info = JSON.parse(await readFile(path, 'utf8')) as Partial<LockInfo>;
    if (typeof info.pid === 'number' && typeof info.host === 'string')
      return { pid: info.pid, host: info.host, started: String(info.started ?? '') };
  } catch {
    // unreadable or half-written: handled by the caller
  }
  return undefined;
}

export type LockState =
  | { kind: 'none' }
  /** Unreadable but under 10 s old: its writer may be between open() and write(). */
  | { kind: 'starting' }
  /** Its process runs on this machine. */
  | { kind: 'running'; info: LockInfo }
  /** Taken on another machine: whether it still runs cannot be told from here. */
  | { kind: 'elsewhere'; info: LockInfo }
  /** Its process is gone, or it was never written. */
  | { kind: 'stale'; info?: LockInfo };

/** What the lock file says, without touching it. */
export async function inspectLockFile(path: string): Promise<LockState> {
  const st = await stat(path).catch(() => undefined);
  if (!st) return { kind: 'none' };
  const info = await readLockInfo(path);
  if (!info) return Date.now() - st.mtimeMs < 10_000 ? { kind: 'starting' } : { kind: 'stale' };
  if (info.host !== hostname()) return { kind: 'elsewhere', info };
  return processIsAlive(info.pid) ? { kind: 'running', info } : { kind: 'stale', info };
}

export type TakenLock =
  | { ok: true; me: LockInfo; tookOverFrom?: LockInfo }
  /** Held. `raced`: another process took it while this one took a stale one over; `gave-up`: it kept changing. */
  | {
      ok: false;
      state:
        Extract<LockState, { kind: 'starting' | 'running' | 'elsewhere' }> | { kind: 'raced' } | { kind: 'gave-up' };
    };

/**
 * Takes the lock file: creates it with open(..., 'wx') and fsyncs this
 * process's line into it. A stale lock is renamed aside (atomic: only one
 * taker wins) and checked again; if what was moved is not the lock judged
 * stale, someone took it in between, and it is put back.
 */
export async function takeLockFile(path: string): Promise<TakenLock> {
  const me: LockInfo = { pid: process.pid, host: hostname(), started: new Date().toISOString() };
  let tookOverFrom: LockInfo | undefined;
  for (let tries = 0; tries < 5; tries++) {
    let fh: FileHandle | undefined;
    try {
      fh = await open(path, 'wx');
      await fh.writeFile(`${JSON.stringify(me)}\n`);
      await fh.sync();
      await fh.close();
      fh = undefined;
      return tookOverFrom ? { ok: true, me, tookOverFrom } : { ok: true, me };
    } catch (err) {
      await fh?.close().catch(() => undefined);
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const state = await inspectLockFile(path);
    if (state.kind === 'none') continue;
    if (state.kind !== 'stale') return { ok: false, state };
    const aside = `${path}.stale-${process.pid}-${Date.now()}-${tries}`;
    try {
      await rename(path, aside);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') continue;
      throw err;
    }
    const moved = await readLockInfo(aside);
    const judged = state.info;
    if (moved && (!judged || moved.pid !== judged.pid || moved.host !== judged.host || processIsAlive(moved.pid))) {
      await rename(aside, path).catch(() => undefined);
      return { ok: false, state: { kind: 'raced' } };
    }
    await rm(aside, { force: true });
    tookOverFrom = judged ?? { pid: 0, host: me.host, started: 'ukendt' };
  }
  return { ok: false, state: { kind: 'gave-up' } };
}

/** Removes the lock file if it is still this holder's. */
export async function releaseLockFile(path: string, me: LockInfo): Promise<void> {
  const now = await readLockInfo(path);
  if (now?.pid === me.pid && now.host === me.host) await rm(path, { force: true });
}
