// The journal file and the lock on disk: torn last line, missing newline,
// damage, and the lock's live/stale/foreign cases.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  acquireLock,
  inspectLock,
  JournalDamagedError,
  LockHeldError,
  openJournal,
  readJournal,
} from '../src/adapters/send/send-journal.js';
import { JOURNAL_FILE, LOCK_FILE, serializeEntry, type JournalEntry } from '../src/core/send/journal.js';
import { tempDir } from './helpers/cli.js';

const entry = (kode: string, type: 'intent' | 'sent' = 'intent'): JournalEntry =>
  type === 'intent'
    ? {
        v: 1,
        at: '2024-05-08T08:00:00.000Z',
        run: 'r',
        type,
        kommunekode: kode,
        attempt: 1,
        recipient: 'a@b.example',
        messageId: 'm@x',
        emlFile: 'x.eml',
        emlSha256: 'a'.repeat(64),
        resend: false,
      }
    : {
        v: 1,
        at: '2024-05-08T08:00:01.000Z',
        run: 'r',
        type,
        kommunekode: kode,
        attempt: 1,
        messageId: 'm@x',
        response: '250 ok',
      };

describe('send journal file', () => {
  it('creates the file and appends whole lines', async () => {
    const dir = tempDir();
    const j = await openJournal(dir);
    await j.append(entry('101'));
    await j.append(entry('101', 'sent'));
    await j.close();
    expect(readFileSync(join(dir, JOURNAL_FILE), 'utf8')).toBe(
      serializeEntry(entry('101')) + serializeEntry(entry('101', 'sent')),
    );
    expect((await readJournal(dir)).entries).toHaveLength(2);
  });

  it('cuts off a torn last line (keeping a copy) before appending', async () => {
    const dir = tempDir();
    const good = serializeEntry(entry('101'));
    writeFileSync(join(dir, JOURNAL_FILE), `${good}{"v":1,"at":"2024-05-08T08:0`);
    const j = await openJournal(dir);
    expect(j.entries).toHaveLength(1);
    expect(j.tornSavedTo && readFileSync(j.tornSavedTo, 'utf8')).toBe('{"v":1,"at":"2024-05-08T08:0');
    await j.append(entry('147'));
    await j.close();
    const after = await readJournal(dir);
    expect(after.damaged).toEqual([]);
    expect(after.torn).toBeUndefined();
    expect(after.entries.map((e) => ('kommunekode' in e ? e.kommunekode : ''))).toEqual(['101', '147']);
  });

  it('adds a missing newline after a complete last line', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, JOURNAL_FILE), serializeEntry(entry('101')).trimEnd());
    const j = await openJournal(dir);
    await j.append(entry('101', 'sent'));
    await j.close();
    expect((await readJournal(dir)).entries).toHaveLength(2);
  });

  it('refuses a journal damaged in the middle', async () => {
    const dir = tempDir();
    writeFileSync(
      join(dir, JOURNAL_FILE),
      `${serializeEntry(entry('101'))}garbage\n${serializeEntry(entry('101', 'sent'))}`,
    );
    await expect(openJournal(dir)).rejects.toBeInstanceOf(JournalDamagedError);
  });
});

describe('send lock', () => {
  it('refuses a second run while the first holds the lock, and is free again after release', async () => {
    const dir = tempDir();
    const first = await acquireLock(dir);
    await expect(acquireLock(dir)).rejects.toBeInstanceOf(LockHeldError);
    await expect(acquireLock(dir)).rejects.toThrow(/kører allerede en afsendelse.*pid/);
    await first.release();
    expect(existsSync(join(dir, LOCK_FILE))).toBe(false);
    const again = await acquireLock(dir);
    await again.release();
  });

  it('takes over a stale lock whose process is gone (kill -9)', async () => {
    const dir = tempDir();
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
    const pid = Number(dead.stdout);
    const { hostname } = await import('node:os');
    writeFileSync(join(dir, LOCK_FILE), JSON.stringify({ pid, host: hostname(), started: '2024-05-08T08:00:00Z' }));
    const lock = await acquireLock(dir);
    expect(lock.tookOverFrom?.pid).toBe(pid);
    expect(JSON.parse(readFileSync(join(dir, LOCK_FILE), 'utf8')).pid).toBe(process.pid);
    await lock.release();
  });

  it('takes over an old empty lock file (its writer died before writing it), but not a brand-new one', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, LOCK_FILE), '');
    await expect(acquireLock(dir)).rejects.toThrow(/ved at starte/);
    expect(await inspectLock(dir)).toMatchObject({ kind: 'running' });
    const old = new Date(Date.now() - 60_000);
    utimesSync(join(dir, LOCK_FILE), old, old);
    expect(await inspectLock(dir)).toEqual({ kind: 'stale' });
    const lock = await acquireLock(dir);
    expect(await inspectLock(dir)).toMatchObject({ kind: 'running', info: { pid: process.pid } });
    await lock.release();
    expect(await inspectLock(dir)).toEqual({ kind: 'none' });
  });

  it('refuses a lock from another machine', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, LOCK_FILE), JSON.stringify({ pid: 1, host: 'en-anden-maskine.example', started: 'x' }));
    await expect(acquireLock(dir)).rejects.toThrow(/anden maskine/);
  });
});
