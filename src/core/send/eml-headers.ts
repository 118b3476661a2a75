// Reads the few header fields `send` checks in a rendered .eml: who it is
// addressed to and its Message-ID. Pure. The bytes are sent as they are;
// this is only to verify that they say what the manifest says.
import addressparser from 'nodemailer/lib/addressparser';
import type { Problem } from '../types.js';

/** The header block (up to the first empty line), unfolded, as name -> values. */
export function readHeaders(eml: Uint8Array): Map<string, string[]> {
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
export function checkEml(eml: Uint8Array, expected: { recipient: string; messageId: string; file?: string; who?: string }): EmlCheck {
  const h = readHeaders(eml);
  const problems: Problem[] = [];
  const file = expected.file ?? 'e-mail';
  const problem = (code: string, column: string, text: string): void => {
    problems.push({ code, severity: 'error', file, column, message: `${expected.who ? `${expected.who}: ` : ''}${text}.` });
  };
  const to = addressesOf(h.get('to'));
  const want = expected.recipient.toLowerCase();
  if (to.length !== 1 || to[0] !== want) {
    problem('eml-to', 'To', `e-mailens To-felt (${to.join(', ') || 'tomt'}) er ikke kommunens adresse ${expected.recipient}`);
  }
  for (const field of ['cc', 'bcc', 'resent-to', 'resent-cc', 'resent-bcc']) {
    if (h.has(field)) problem('eml-extra-recipient', field, `e-mailen har et ${field}-felt; den må kun gå til kommunen`);
  }
  const ids = (h.get('message-id') ?? []).map((v) => v.replace(/^<|>$/g, '').trim());
  if (ids.length !== 1 || ids[0] !== expected.messageId) {
    problem('eml-message-id', 'Message-ID', `e-mailens Message-ID (${ids.join(', ') || 'mangler'}) er ikke den, manifestet angiver (${expected.messageId})`);
  }
  return { ok: problems.length === 0, problems };
}
