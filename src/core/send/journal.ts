// The send journal's format: what `send` intended and what happened, one JSON
// object per line in out/<barometer-id>/send-journal.jsonl. Pure: the line
// shapes (a zod schema), serializing, and parsing with a torn last line.
// Folding the lines into a status is journal-fold.ts; the file itself is
// src/adapters/send/send-journal.ts.
//
// Protocol per kommune and attempt:
//   intent   written (and fsynced) before the SMTP transaction starts
//   sent     the server accepted the message (250 after the data)
//   failed   the server refused it, or the data never reached it (safe to send again)
//   uafklaret the connection was lost after the whole message was handed over and
//            before the server's reply: it may or may not have been accepted
// An intent that is the last line for its kommune and kind (the process died
// between the two writes) folds to uafklaret, too.
//
// `kind` tells what a kommune line is about: the letter to the kommune
// (`brev`, the default, also for lines written before the field existed), a
// test send to someone else (`test`), or the archive copy of a delivered
// letter (`arkivkopi`). Only `brev` lines say anything about the kommune.
import { z } from 'zod';

export const JOURNAL_FILE = 'send-journal.jsonl';
export const LOCK_FILE = 'send.lock';
export const JOURNAL_VERSION = 1;

export const LINE_KINDS = ['brev', 'test', 'arkivkopi'] as const;
export type LineKind = (typeof LINE_KINDS)[number];

const base = {
  v: z.literal(JOURNAL_VERSION),
  /** ISO time the line was written. */
  at: z.string().min(1),
  /** Identifies one `send` run; every line of the run carries it. */
  run: z.string().min(1),
};

const kommuneBase = {
  ...base,
  kommunekode: z.string().min(1),
  /** Absent on lines written before test sends and archive copies existed: brev. */
  kind: z.enum(LINE_KINDS).optional(),
};

// Unknown fields (from a newer kommunebrev) are ignored when read; the file is never rewritten.
export const runEntrySchema = z.object({
  ...base,
  type: z.literal('run'),
  pid: z.number(),
  /** SMTP server without credentials, e.g. "smtp.example.dk:587 (STARTTLS)". Never credentials. */
  server: z.string(),
  barometer: z.string(),
  /** What this run means to do: kommunekoder, in order. */
  plan: z.array(z.string()),
  /** The --data folder as given, so `status` can print the exact command for a resend. */
  data: z.string().optional(),
  /** The --out folder as given. */
  out: z.string().optional(),
  /** Set for a test send (send --test ADRESSE): where the test letters went. */
  test: z.string().optional(),
  /** barometer.json `journalnummer` at the time of the run: the case the letters were journalised under. */
  journalnummer: z.string().optional(),
});

export const intentEntrySchema = z.object({
  ...kommuneBase,
  type: z.literal('intent'),
  /** 1 for the first attempt in this run, 2 for the first retry, ... */
  attempt: z.number(),
  /** The envelope recipient (RCPT TO) of this transaction: where it really went. */
  recipient: z.string(),
  /** The Message-ID this attempt carries (a new one for every attempt, RFC 5322 §3.6.4). */
  messageId: z.string(),
  emlFile: z.string(),
  /** sha256 of the .eml file as render wrote it. */
  emlSha256: z.string(),
  /** sha256 of the bytes transmitted (the .eml with Date and Message-ID set at send time). */
  sha256: z.string().optional(),
  /** The Date field this attempt carried (RFC 5322 §3.6.1: the moment of sending). */
  date: z.string().optional(),
  /** sha256 of the .eml without its Date and Message-ID fields: the letter version, same as the manifest's. */
  contentSha256: z.string().optional(),
  /** True when sent again on purpose (--resend) after an earlier send or uafklaret. */
  resend: z.boolean(),
});

export const sentEntrySchema = z.object({
  ...kommuneBase,
  type: z.literal('sent'),
  attempt: z.number(),
  messageId: z.string(),
  /** The server's final reply, e.g. "250 2.0.0 Ok: queued as 4F3A2". */
  response: z.string(),
  code: z.number().optional(),
});

export const failedEntrySchema = z.object({
  ...kommuneBase,
  type: z.literal('failed'),
  attempt: z.number(),
  /** True when the failure was temporary (4xx or no connection) and may be retried. */
  temporary: z.boolean(),
  code: z.number().optional(),
  /** The server's reply or what went wrong, in Danish when it is ours. */
  response: z.string(),
});

export const uafklaretEntrySchema = z.object({
  ...kommuneBase,
  type: z.literal('uafklaret'),
  attempt: z.number(),
  code: z.number().optional(),
  response: z.string(),
});

/** The user has checked that an uafklaret letter arrived (send --kommune X --mark-sent). */
export const markedSentEntrySchema = z.object({
  ...kommuneBase,
  type: z.literal('marked-sent'),
  messageId: z.string(),
  /** For an archive copy: the archive address it was filed to. */
  recipient: z.string().optional(),
});

/** Last line of a run that ended normally (also after Ctrl-C). */
export const runEndEntrySchema = z.object({
  ...base,
  type: z.literal('run-end'),
  sent: z.number(),
  failed: z.number(),
  uafklaret: z.number(),
  interrupted: z.boolean(),
});

export const journalEntrySchema = z.discriminatedUnion('type', [
  runEntrySchema,
  intentEntrySchema,
  sentEntrySchema,
  failedEntrySchema,
  uafklaretEntrySchema,
  markedSentEntrySchema,
  runEndEntrySchema,
]);

export type RunEntry = z.infer<typeof runEntrySchema>;
export type IntentEntry = z.infer<typeof intentEntrySchema>;
export type SentEntry = z.infer<typeof sentEntrySchema>;
export type FailedEntry = z.infer<typeof failedEntrySchema>;
export type UafklaretEntry = z.infer<typeof uafklaretEntrySchema>;
export type MarkedSentEntry = z.infer<typeof markedSentEntrySchema>;
export type RunEndEntry = z.infer<typeof runEndEntrySchema>;
export type KommuneEntry = IntentEntry | SentEntry | FailedEntry | UafklaretEntry | MarkedSentEntry;
export type JournalEntry = z.infer<typeof journalEntrySchema>;

/** What a kommune line is about; lines from before `kind` existed are about the letter. */
export function kindOf(e: KommuneEntry): LineKind {
  return e.kind ?? 'brev';
}

/** Longest reply text kept in the journal; lines must stay short to be written in one go. */
export const MAX_RESPONSE_CHARS = 1000;

export function clip(text: string, max = MAX_RESPONSE_CHARS): string {
  const oneLine = text.replace(/\s*\r?\n\s*/g, ' ').trim();
  return oneLine.length > max ? `${oneLine.slice(0, max - 1)}…` : oneLine;
}

export function serializeEntry(entry: JournalEntry): string {
  return `${JSON.stringify(entry)}\n`;
}

// ---------------------------------------------------------------------------
// Parsing, with a torn last line.

export interface ParsedJournal {
  entries: JournalEntry[];
  /**
   * A last line without its newline that is not a valid entry: the write was
   * cut short (power loss). It is ignored; the adapter truncates it away
   * before appending. `offset` is where it starts (in bytes).
   */
  torn?: { offset: number; text: string };
  /** A complete last line without its newline: the adapter adds the newline. */
  missingNewline: boolean;
  /** Lines in the middle of the file that are not valid entries (1-based line numbers). */
  damaged: { line: number; text: string }[];
}

function tryParse(line: string): JournalEntry | undefined {
  try {
    const result = journalEntrySchema.safeParse(JSON.parse(line));
    return result.success ? result.data : undefined;
  } catch {
    return undefined;
  }
}

/** Parses the journal file's bytes. Never throws. */
export function parseJournal(bytes: Uint8Array): ParsedJournal {
  const text = Buffer.from(bytes).toString('utf8');
  const result: ParsedJournal = { entries: [], missingNewline: false, damaged: [] };
  if (text.length === 0) return result;
  const endsWithNewline = text.endsWith('\n');
  const lines = text.split('\n');
  if (endsWithNewline) lines.pop();
  let offset = 0;
  lines.forEach((line, i) => {
    const isLast = i === lines.length - 1;
    const lineOffset = offset;
    offset += Buffer.byteLength(line, 'utf8') + 1;
    if (line.trim() === '') return;
    const entry = tryParse(line);
    if (isLast && !endsWithNewline) {
      if (entry) {
        result.entries.push(entry);
        result.missingNewline = true;
      } else {
        result.torn = { offset: lineOffset, text: line };
      }
      return;
    }
    if (entry) result.entries.push(entry);
    else result.damaged.push({ line: i + 1, text: line.length > 200 ? `${line.slice(0, 199)}…` : line });
  });
  return result;
}
