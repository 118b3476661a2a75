// What a lock file says about its holder, shared by send.lock and render.lock:
// one JSON line {pid, host, started}. A lock is stale when its process no
// longer runs on this machine (kill -9, power loss).
import { readFile } from 'node:fs/promises';

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
