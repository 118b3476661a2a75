// The header fields `send` checks in a rendered .eml (who it is addressed to,
// its Message-ID), and the two it sets at send time (Date, Message-ID). Pure.
import addressparser from 'nodemailer/lib/addressparser';
import type { Problem } from '../types.js';
import { sha256 } from '../sha256.js';

/** The header block (up to the first empty line), unfolded, as name -> values. */
export function parseEmlHeaders(eml: Uint8Array): Map<string, string[]> {
  const text = Buffer.from(eml).toString('latin1');
  const end = text.search(/\r?\n\r?\n/);
  const head = end === -1 ? text : text.slice(0, end);
  const unfolded = head.replace(/\r?\n[ \t]+/g, ' ');
  const headers = new Map<string, string[]>();
  for (const line of unfolded.split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim().toLowerCase();
    headers.set(name, [...(headers.get(name) ?? []), line.slice(colon + 1).trim()]);
  }
  return headers;
}

/** Plain addresses of an address header, lower-cased. */
export function addressesOf(values: readonly string[] | undefined): string[] {
  const out: string[] = [];
  for (const v of values ?? []) {
    for (const a of addressparser(v, { flatten: true })) {
      if (a.address) out.push(a.address.toLowerCase());
    }
  }
  return out;
}

export interface EmlCheck {
  ok: boolean;
  /** What is wrong, as Problems naming the .eml file (empty when ok). */
  problems: Problem[];
}

/** The .eml must be addressed to exactly the recipient, nobody else, and carry the expected Message-ID.
 *  `who` ("173 Lyngby-Taarbæk Kommune") starts each message; `file` is the .eml's name. */
export function checkEml(
  eml: Uint8Array,
  expected: { recipient: string; messageId: string; file?: string; who?: string },
): EmlCheck {
  const h = parseEmlHeaders(eml);
  const problems: Problem[] = [];
  const file = expected.file ?? 'e-mail';
  const problem = (code: string, column: string, text: string): void => {
    problems.push({
      code,
      severity: 'error',
      file,
      column,
      message: `${expected.who ? `${expected.who}: ` : ''}${text}.`,
    });
  };
  const to = addressesOf(h.get('to'));
  const want = expected.recipient.toLowerCase();
  if (to.length !== 1 || to[0] !== want) {
    problem(
      'eml-to',
      'To',
      `e-mailens To-felt (${to.join(', ') || 'tomt'}) er ikke kommunens adresse ${expected.recipient}`,
    );
  }
  for (const field of ['cc', 'bcc', 'resent-to', 'resent-cc', 'resent-bcc']) {
    if (h.has(field))
      problem('eml-extra-recipient', field, `e-mailen har et ${field}-felt; den må kun gå til kommunen`);
  }
  const ids = (h.get('message-id') ?? []).map((v) => v.replace(/^<|>$/g, '').trim());
  if (ids.length !== 1 || ids[0] !== expected.messageId) {
    problem(
      'eml-message-id',
      'Message-ID',
      `e-mailens Message-ID (${ids.join(', ') || 'mangler'}) er ikke den, manifestet angiver (${expected.messageId})`,
    );
  }
  return { ok: problems.length === 0, problems };
}

// ---------------------------------------------------------------------------
// Date and Message-ID at send time.
//
// RFC 5322 §3.6.1: the Date field is "the date and time at which the creator
// of the message indicated that the message was complete and ready to enter
// the mail delivery system", i.e. the moment `send` hands it over, not the
// letter date. §3.6.4: a Message-ID identifies one message, so the first send
// and every resend get their own. Render writes both fields with fixed values
// (so the .eml is reproducible); `send` replaces exactly these two fields and
// nothing else, and proves it: the sha256 of the message without them
// (contentSha256) must be the one the manifest recorded at render time.

const STAMPED_FIELDS = new Set(['date', 'message-id']);

/** Splits the header block into fields (a field is its line plus folded continuation lines), and the rest. */
function splitHeader(text: string): { fields: string[]; rest: string } {
  const end = text.indexOf('\r\n\r\n');
  const head = end === -1 ? text : text.slice(0, end + 2);
  const rest = end === -1 ? '' : text.slice(end + 2);
  const fields: string[] = [];
  for (const line of head.split(/(?<=\r\n)/)) {
    if (/^[ \t]/.test(line) && fields.length > 0) fields[fields.length - 1] += line;
    else fields.push(line);
  }
  return { fields, rest };
}

function fieldName(field: string): string {
  return field
    .slice(0, Math.max(0, field.indexOf(':')))
    .trim()
    .toLowerCase();
}

/** The message without its Date and Message-ID fields: what identifies the letter version. */
export function withoutStampedFields(eml: Uint8Array): Buffer {
  const { fields, rest } = splitHeader(Buffer.from(eml).toString('latin1'));
  return Buffer.from(fields.filter((f) => !STAMPED_FIELDS.has(fieldName(f))).join('') + rest, 'latin1');
}

/** sha256 of the message without its Date and Message-ID fields. */
export function contentSha256(eml: Uint8Array): string {
  return sha256(withoutStampedFields(eml));
}

/** A msg-id cannot be folded inside; like nodemailer, fold before it when the line would pass 78 characters (RFC 5322 §2.1.1). */
function messageIdField(id: string): string {
  const line = `Message-ID: <${id}>`;
  return line.length <= 78 ? `${line}\r\n` : `Message-ID:\r\n <${id}>\r\n`;
}

/** The .eml with its Date and Message-ID fields replaced in place; every other byte stays. */
export function stampHeaders(eml: Uint8Array, stamp: { date: string; messageId: string }): Buffer {
  const { fields, rest } = splitHeader(Buffer.from(eml).toString('latin1'));
  const seen = new Set<string>();
  const out = fields.map((f) => {
    const name = fieldName(f);
    if (!STAMPED_FIELDS.has(name)) return f;
    seen.add(name);
    return name === 'date' ? `Date: ${stamp.date}\r\n` : messageIdField(stamp.messageId);
  });
  // A rendered .eml always has both; should one be missing, it goes first (RFC 5322 does not fix the order).
  if (!seen.has('message-id')) out.unshift(messageIdField(stamp.messageId));
  if (!seen.has('date')) out.unshift(`Date: ${stamp.date}\r\n`);
  return Buffer.from(out.join('') + rest, 'latin1');
}

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** RFC 5322 §3.3 date-time in UTC, e.g. "Wed, 25 Nov 2026 22:30:05 +0000". */
export function rfc5322Date(d: Date): string {
  const two = (n: number): string => String(n).padStart(2, '0');
  return (
    `${DAYS[d.getUTCDay()]}, ${two(d.getUTCDate())} ${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()} ` +
    `${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())} +0000`
  );
}

/**
 * A Message-ID for one attempt: the render's (which names the kommune and
 * the letter's content) with a unique part added before the "@", so a
 * Message-ID found in a mail log still tells which letter it was.
 */
export function attemptMessageId(renderMessageId: string, unique: string): string {
  const at = renderMessageId.lastIndexOf('@');
  if (at <= 0) return `${renderMessageId}.${unique}`;
  return `${renderMessageId.slice(0, at)}.${unique}${renderMessageId.slice(at)}`;
}
