// The send journal on disk (out/<id>/send-journal.jsonl) and the lock that
// keeps two `send` runs apart (out/<id>/send.lock).
//
// Durability: the journal is opened with O_APPEND and every line is written
// with one write() and fsynced before append() resolves, so a process killed
// at any instant (kill -9) leaves whole lines; a power loss can at worst tear
// the last line, which parseJournal() recognises and openJournal() cuts off
// (keeping a copy) before it appends again. The directory is fsynced when the
// journal file is created, so the file itself survives a power loss.
import { hostname } from 'node:os';
import { open, readFile, truncate, writeFile, type FileHandle } from 'node:fs/promises';
import { unlinkSync } from 'node:fs';
import { join } from 'node:path';
import {
  JOURNAL_FILE,
  LOCK_FILE,
  parseJournal,
  serializeEntry,
  type JournalEntry,
  type ParsedJournal,
} from '../../core/send/journal.js';
import { syncDir } from '../letters/write-output.js';
import {
  inspectLockFile,
  releaseLockFile,
  takeLockFile,
  type LockInfo,
  type LockState as LockFileState,
  type TakenLock,
} from '../lock-info.js';

export class JournalDamagedError extends Error {
  constructor(
    readonly file: string,
    readonly lines: { line: number; text: string }[],
  ) {
    super(
      `Sendejournalen ${file} er beskadiget (linje ${lines.map((l) => l.line).join(', ')} kan ikke læses). ` +
        'Der sendes intet, før den er rettet: flyt filen væk, og gennemgå den, eller ret linjerne.',
    );
    this.name = 'JournalDamagedError';
  }
}

export class LockHeldError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LockHeldError';
  }
}

/** Reads the journal without changing it (for `status`). Missing file = empty journal. */
export async function readJournal(dir: string): Promise<ParsedJournal & { exists: boolean }> {
  let bytes: Buffer;
  try {
    bytes = await readFile(join(dir, JOURNAL_FILE));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { ...parseJournal(new Uint8Array()), exists: false };
    throw err;
  }
  return { ...parseJournal(bytes), exists: true };
}

// ---------------------------------------------------------------------------
// Lock.

export interface Lock {
  path: string;
  /** A stale lock (its process is gone) was taken over; for a note to the user. */
  tookOverFrom?: LockInfo;
  release(): Promise<void>;
  /** For the second Ctrl-C: removes the lock synchronously before the process exits. */
  releaseSync(): void;
}

/**
 * Takes the lock with open(..., 'wx'): fails if the file exists. A lock left
 * by a process that no longer runs on this machine (kill -9, power loss) is
 * stale and is taken over; a live one, or one from another machine, refuses.
 */
export async function acquireLock(dir: string): Promise<Lock> {
  const path = join(dir, LOCK_FILE);
  const taken = await takeLockFile(path);
  if (!taken.ok) throw new LockHeldError(heldMessage(taken.state, path));
  const lock: Lock = {
    path,
    release: () => releaseLockFile(path, taken.me),
    releaseSync: () => {
      try {
        unlinkSync(path);
      } catch {
        // already gone
      }
    },
  };
  if (taken.tookOverFrom) lock.tookOverFrom = taken.tookOverFrom;
  return lock;
}

function heldMessage(state: Extract<TakenLock, { ok: false }>['state'], path: string): string {
  switch (state.kind) {
    case 'starting':
      // Unreadable but brand new: its writer may be between open() and write().
      return 'En anden afsendelse er ved at starte. Prøv igen om lidt.';
    case 'elsewhere':
      return (
        `Der kører måske allerede en afsendelse fra en anden maskine (${state.info.host}, pid ${state.info.pid}, startet ${state.info.started}). ` +
        `Hvis du er sikker på, at den ikke kører, så slet ${path} og prøv igen.`
      );
    case 'running':
      return (
        `Der kører allerede en afsendelse af disse breve (pid ${state.info.pid}, startet ${state.info.started}). Vent, til den er færdig, ` +
        `eller stop den med Ctrl-C. Hvis ingen afsendelse kører (fx efter genstart), så slet ${path} og prøv igen.`
      );
    case 'raced':
      return 'En anden afsendelse er netop startet. Prøv igen, når den er færdig.';
    case 'gave-up':
      return `Kunne ikke tage låsen ${path}. Prøv igen.`;
  }
}

export type LockState = Exclude<LockFileState, { kind: 'starting' }>;

/** What the lock file says, without touching it (for `status`). A lock being written counts as running. */
export async function inspectLock(dir: string): Promise<LockState> {
  const state = await inspectLockFile(join(dir, LOCK_FILE));
  return state.kind === 'starting' ? { kind: 'running', info: { pid: 0, host: hostname(), started: '' } } : state;
}

// ---------------------------------------------------------------------------
// Appending.

export interface OpenJournal {
  path: string;
  entries: JournalEntry[];
  /** Set when a torn last line (power loss during a write) was cut off; where its copy was saved. */
  tornSavedTo?: string;
  append(entry: JournalEntry): Promise<void>;
  close(): Promise<void>;
}

/** Opens the journal for appending; the caller must hold the lock. Repairs a torn tail first. */
export async function openJournal(dir: string): Promise<OpenJournal> {
  const path = join(dir, JOURNAL_FILE);
  const parsed = await readJournal(dir);
  if (parsed.damaged.length > 0) throw new JournalDamagedError(path, parsed.damaged);
  let tornSavedTo: string | undefined;
  if (parsed.torn) {
    tornSavedTo = `${path}.torn-${new Date().toISOString().replace(/[:.]/g, '-')}`;
    await writeFile(tornSavedTo, parsed.torn.text);
    await truncate(path, parsed.torn.offset);
  }
  const fh = await open(path, 'a');
  if (parsed.missingNewline) await writeAll(fh, Buffer.from('\n'));
  await fh.sync();
  if (!parsed.exists) await syncDir(dir);
  let closed = false;
  const journal: OpenJournal = {
    path,
    entries: parsed.entries,
    async append(entry) {
      if (closed) throw new Error('send journal is closed');
      await writeAll(fh, Buffer.from(serializeEntry(entry), 'utf8'));
      await fh.sync();
    },
    async close() {
      if (closed) return;
      closed = true;
      await fh.close();
    },
  };
  if (tornSavedTo) journal.tornSavedTo = tornSavedTo;
  return journal;
}

async function writeAll(fh: FileHandle, buf: Buffer): Promise<void> {
  let offset = 0;
  while (offset < buf.length) {
    const { bytesWritten } = await fh.write(buf, offset, buf.length - offset);
    offset += bytesWritten;
  }
}
