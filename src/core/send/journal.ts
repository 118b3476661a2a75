// The send journal: what `send` intended and what happened, one JSON object
// per line in out/<barometer-id>/send-journal.jsonl. Pure: parsing, folding
// into a status per kommune, planning a run, classifying SMTP errors, backoff
// and rate limits. The file itself is handled by src/adapters/send/send-journal.ts.
//
// Protocol per kommune and attempt:
//   intent   written (and fsynced) before the SMTP transaction starts
//   sent     the server accepted the message (250 after the data)
//   failed   the server refused it, or the data never reached it (safe to send again)
//   uafklaret the connection was lost after the whole message was handed over and
//            before the server's reply: it may or may not have been accepted
// An intent that is the last line for its kommune (the process died between
// the two writes) folds to uafklaret, too.
import type { ManifestLetter } from '../letters/manifest.js';
import type { KommuneSendStatus, SendStatusMap } from './send-status.js';

export const JOURNAL_FILE = 'send-journal.jsonl';
export const LOCK_FILE = 'send.lock';
export const JOURNAL_VERSION = 1;

interface Base {
  v: typeof JOURNAL_VERSION;
  /** ISO time the line was written. */
  at: string;
  /** Identifies one `send` run; every line of the run carries it. */
  run: string;
}

/** First line of every run: where the letters go, by whom. Never holds credentials. */
export interface RunEntry extends Base {
  type: 'run';
  pid: number;
  /** SMTP server without credentials, e.g. "smtp.example.dk:587 (STARTTLS)". */
  server: string;
  barometer: string;
  /** What this run means to do: kommunekoder, in order. */
  plan: string[];
}

export interface IntentEntry extends Base {
  type: 'intent';
  kommunekode: string;
  /** 1 for the first attempt in this run, 2 for the first retry, ... */
  attempt: number;
  recipient: string;
  messageId: string;
  emlFile: string;
  emlSha256: string;
  /** True when sent again on purpose (--resend) after an earlier send or uafklaret. */
  resend: boolean;
}

export interface SentEntry extends Base {
  type: 'sent';
  kommunekode: string;
  attempt: number;
  messageId: string;
  /** The server's final reply, e.g. "250 2.0.0 Ok: queued as 4F3A2". */
  response: string;
  code?: number;
}

export interface FailedEntry extends Base {
  type: 'failed';
  kommunekode: string;
  attempt: number;
  /** True when the failure was temporary (4xx or no connection) and may be retried. */
  temporary: boolean;
  code?: number;
  /** The server's reply or what went wrong, in Danish when it is ours. */
  response: string;
}

export interface UafklaretEntry extends Base {
  type: 'uafklaret';
  kommunekode: string;
  attempt: number;
  code?: number;
  response: string;
}

/** The user has checked that an uafklaret letter arrived (send --kommune X --mark-sent). */
export interface MarkedSentEntry extends Base {
  type: 'marked-sent';
  kommunekode: string;
  messageId: string;
}

/** Last line of a run that ended normally (also after Ctrl-C). */
export interface RunEndEntry extends Base {
  type: 'run-end';
  sent: number;
  failed: number;
  uafklaret: number;
  interrupted: boolean;
}

export type KommuneEntry = IntentEntry | SentEntry | FailedEntry | UafklaretEntry | MarkedSentEntry;
export type JournalEntry = RunEntry | KommuneEntry | RunEndEntry;

const KOMMUNE_TYPES = new Set(['intent', 'sent', 'failed', 'uafklaret', 'marked-sent']);
const ALL_TYPES = new Set([...KOMMUNE_TYPES, 'run', 'run-end']);

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

function isEntry(value: unknown): value is JournalEntry {
  if (typeof value !== 'object' || value === null) return false;
  const o = value as Record<string, unknown>;
  if (typeof o.type !== 'string' || !ALL_TYPES.has(o.type) || typeof o.at !== 'string' || typeof o.run !== 'string') return false;
  if (KOMMUNE_TYPES.has(o.type) && typeof o.kommunekode !== 'string') return false;
  return true;
}

function tryParse(line: string): JournalEntry | undefined {
  try {
    const value: unknown = JSON.parse(line);
    return isEntry(value) ? value : undefined;
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

// ---------------------------------------------------------------------------
// Folding into a status per kommune.

const REPLY_CODE = /^([245]\d\d)[ -]/;

export function replyCode(response: string | undefined): number | undefined {
  const m = REPLY_CODE.exec(response ?? '');
  return m?.[1] !== undefined ? Number(m[1]) : undefined;
}

export const UAFKLARET_AFTER_INTENT =
  'Afsendelsen blev afbrudt, efter at den var påbegyndt, og før mailserverens svar blev registreret.';

/** Per kommune, what the journal says: the last entry wins; an intent with nothing after it is uafklaret. */
export function foldJournal(entries: readonly JournalEntry[]): SendStatusMap {
  const status: SendStatusMap = new Map();
  const resendRuns = new Map<string, Set<string>>();
  for (const e of entries) {
    if (e.type === 'run' || e.type === 'run-end') continue;
    const kode = e.kommunekode;
    const previous = status.get(kode);
    const runs = resendRuns.get(kode) ?? new Set<string>();
    resendRuns.set(kode, runs);
    if (e.type === 'intent' && e.resend) runs.add(e.run);
    const resends = runs.size;
    let next: KommuneSendStatus;
    switch (e.type) {
      case 'intent':
        next = { kommunekode: kode, state: 'uafklaret', at: e.at, messageId: e.messageId, response: UAFKLARET_AFTER_INTENT, resends };
        break;
      case 'sent': {
        next = { kommunekode: kode, state: 'sent', at: e.at, messageId: e.messageId, response: e.response, resends };
        const code = e.code ?? replyCode(e.response);
        if (code !== undefined) next.code = code;
        break;
      }
      case 'failed':
        next = { kommunekode: kode, state: 'failed', at: e.at, messageId: previous?.messageId, response: e.response, resends };
        if (e.code !== undefined) next.code = e.code;
        break;
      case 'uafklaret':
        next = { kommunekode: kode, state: 'uafklaret', at: e.at, messageId: previous?.messageId, response: e.response, resends };
        if (e.code !== undefined) next.code = e.code;
        break;
      case 'marked-sent':
        next = {
          kommunekode: kode,
          state: 'sent',
          at: e.at,
          messageId: e.messageId,
          response: 'Markeret som modtaget (kontrolleret manuelt efter uafklaret afsendelse).',
          resends,
        };
        break;
    }
    if (next.messageId === undefined) delete next.messageId;
    status.set(kode, next);
  }
  return status;
}

/** sha256 of the .eml that the last intent per kommune was about (to spot a re-render after sending). */
export function lastIntentSha(entries: readonly JournalEntry[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const e of entries) if (e.type === 'intent') out.set(e.kommunekode, e.emlSha256);
  return out;
}

// ---------------------------------------------------------------------------
// Planning a run.

export interface PlanOptions {
  /** Only this kommune (already resolved to a kode). */
  kommunekode?: string;
  /** Send again on purpose, even if sent or uafklaret. Requires kommunekode. */
  resend: boolean;
}

export interface PlannedLetter {
  letter: ManifestLetter;
  /** Recorded as a resend: it was sent (or may have been) before. */
  resend: boolean;
  /** The state before this run, if any. */
  before?: KommuneSendStatus['state'];
}

export interface SendPlan {
  toSend: PlannedLetter[];
  /** Sent already; skipped. */
  alreadySent: ManifestLetter[];
  /** Uafklaret; not sent again automatically. */
  uafklaret: ManifestLetter[];
}

export function planSend(letters: readonly ManifestLetter[], status: SendStatusMap, opts: PlanOptions): SendPlan {
  if (opts.resend && opts.kommunekode === undefined) throw new Error('planSend: resend requires a kommunekode');
  const plan: SendPlan = { toSend: [], alreadySent: [], uafklaret: [] };
  for (const letter of letters) {
    if (opts.kommunekode !== undefined && letter.kommunekode !== opts.kommunekode) continue;
    const before = status.get(letter.kommunekode)?.state;
    if (opts.resend) {
      plan.toSend.push({ letter, resend: before === 'sent' || before === 'uafklaret', before });
    } else if (before === 'sent') {
      plan.alreadySent.push(letter);
    } else if (before === 'uafklaret') {
      plan.uafklaret.push(letter);
    } else {
      plan.toSend.push(before === undefined ? { letter, resend: false } : { letter, resend: false, before });
    }
  }
  return plan;
}

// ---------------------------------------------------------------------------
// SMTP errors.

/** The fields of a nodemailer error that matter here. */
export interface SmtpErrorInfo {
  /** nodemailer's code: ECONNECTION, ETIMEDOUT, ESOCKET, EENVELOPE, EMESSAGE, EAUTH, ETLS, ... */
  code?: string;
  /** SMTP reply code, when the error is a reply. */
  responseCode?: number;
  /** The command nodemailer blames: 'CONN', 'MAIL FROM', 'RCPT TO', 'DATA', 'API', ... */
  command?: string;
  response?: string;
  message: string;
}

/** How far the message got, as observed by the transport (not by nodemailer's error fields). */
export interface DataProgress {
  /** The server answered DATA with 354 and the message bytes started to flow. */
  dataStarted: boolean;
  /** Every byte of the message was handed to the connection: the terminating "." may have reached the server. */
  dataComplete: boolean;
}

export type SmtpErrorClass = 'temporary' | 'permanent' | 'uafklaret';

/** Local refusals by nodemailer before anything was sent (bad address, message too large). */
const LOCAL_REFUSALS = new Set(['EENVELOPE', 'EMESSAGE', 'EREQUIRETLS', 'EMAXRECIPIENTS']);

/**
 * Classifies a failed SMTP transaction.
 *
 * - A 4xx/5xx reply is the server's answer, whatever the phase: it did not
 *   take the message. 5xx is permanent (except 503, bad sequence of
 *   commands, which says the session was out of step); 4xx is temporary.
 * - Without a reply (connection lost, timed out, socket error, garbage):
 *   if the whole message was handed over, the server may have accepted it
 *   before the line dropped (RFC 5321 §6.1, RFC 1047): uafklaret. Otherwise
 *   the terminating "." was never sent, so no server can have accepted the
 *   message: temporary.
 *
 * nodemailer's `command` cannot be used for this: every connection loss is
 * reported with command 'CONN', in every phase (smtp-connection _onClose,
 * _onError, _onTimeout), so it is informational only.
 */
export function classifySmtpError(err: SmtpErrorInfo, progress: DataProgress): SmtpErrorClass {
  const code = err.responseCode;
  if (code !== undefined && code >= 400 && code < 600) {
    if (code >= 500 && code !== 503) return 'permanent';
    return 'temporary';
  }
  if (progress.dataComplete) return 'uafklaret';
  if (!progress.dataStarted && err.code !== undefined && LOCAL_REFUSALS.has(err.code)) return 'permanent';
  return 'temporary';
}

export type SessionErrorClass = 'temporary' | 'fatal';

/**
 * Errors while connecting and logging in (before any message): wrong
 * credentials, TLS failures and 5xx greetings will not get better by waiting,
 * so the run stops. Network trouble and 4xx replies are retried.
 */
export function classifySessionError(err: SmtpErrorInfo): SessionErrorClass {
  if (err.code === 'EAUTH' || err.code === 'ENOAUTH' || err.code === 'ETLS' || err.code === 'EOAUTH2' || err.code === 'ECONFIG') return 'fatal';
  if (err.responseCode !== undefined && err.responseCode >= 500 && err.responseCode !== 503) return 'fatal';
  return 'temporary';
}

// ---------------------------------------------------------------------------
// Backoff and rate limit.

export interface RetryPolicy {
  /** Attempts per letter in one run, including the first. */
  maxAttempts: number;
  /** Delay before the first retry; doubled for each further retry. */
  baseMs: number;
  maxMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { maxAttempts: 4, baseMs: 2000, maxMs: 60_000 };

/** Delay before attempt `nextAttempt` (2, 3, ...). */
export function retryDelayMs(nextAttempt: number, policy: RetryPolicy): number {
  const exp = Math.max(0, nextAttempt - 2);
  return Math.min(policy.baseMs * 2 ** exp, policy.maxMs);
}

export interface Rate {
  count: number;
  perMs: number;
  /** As written, e.g. "5/s". */
  text: string;
}

/** "5/s", "60/min", "0.5/s" -> a rate; undefined when not understood. */
export function parseRate(text: string): Rate | undefined {
  const m = /^\s*(\d+(?:[.,]\d+)?)\s*\/\s*(s|sek|sekund|min|minut)\s*$/i.exec(text);
  if (!m?.[1] || !m[2]) return undefined;
  const count = Number(m[1].replace(',', '.'));
  if (!Number.isFinite(count) || count <= 0) return undefined;
  const perMs = m[2].toLowerCase().startsWith('s') ? 1000 : 60_000;
  return { count, perMs, text: text.trim() };
}

/** Minimum time between the starts of two messages. */
export function rateIntervalMs(rate: Rate | undefined): number {
  return rate ? rate.perMs / rate.count : 0;
}

/** How long to wait before starting the next message. */
export function rateDelayMs(lastStartMs: number | undefined, nowMs: number, rate: Rate | undefined): number {
  if (lastStartMs === undefined || !rate) return 0;
  return Math.max(0, lastStartMs + rateIntervalMs(rate) - nowMs);
}
