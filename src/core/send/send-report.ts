// Danish texts for `send` and `status`: what an SMTP error means, the status
// table, the totals, and the JSON form of the status. Pure.
import { formatTime } from '../danish.js';
import type { DataProgress, SmtpErrorClass, SmtpErrorInfo } from './journal.js';
import type { Manifest, ManifestLetter } from '../letters/manifest.js';
import { countText } from '../problems.js';
import type { KommuneSendStatus, SendStatusMap } from './send-status.js';


/** One line about a failed attempt, for the journal and the terminal. */
export function describeSmtpError(err: SmtpErrorInfo, cls: SmtpErrorClass, progress: DataProgress): string {
  const reply = err.response?.trim();
  const technical = `${err.code ?? 'fejl'}: ${err.message}`;
  if (reply && err.responseCode !== undefined && err.responseCode >= 400) {
    const kind = cls === 'permanent' ? 'afvist permanent' : 'midlertidig fejl';
    return `${reply} (${kind})`;
  }
  if (cls === 'uafklaret') {
    return `Forbindelsen blev afbrudt, efter at hele e-mailen var sendt, og før mailserveren svarede; den kan være modtaget (${technical}).`;
  }
  if (cls === 'permanent') return `E-mailen blev ikke sendt (${technical}).`;
  if (progress.dataStarted) return `Forbindelsen blev afbrudt, mens e-mailen blev sendt, før den var sendt færdig; den er ikke modtaget (${technical}).`;
  if (err.code === 'ETIMEDOUT') return `Mailserveren svarede ikke i tide, før e-mailen blev sendt (${technical}).`;
  return `Forbindelsen til mailserveren svigtede, før e-mailen blev sendt (${technical}).`;
}

export type LetterState = KommuneSendStatus['state'] | 'rendered';

export function stateOf(status: SendStatusMap, kode: string): LetterState {
  return status.get(kode)?.state ?? 'rendered';
}

export const STATE_LABEL: Record<LetterState, string> = {
  rendered: 'ikke sendt',
  sent: 'sendt',
  failed: 'fejlet',
  uafklaret: 'uafklaret',
};

export interface Totals {
  letters: number;
  rendered: number;
  sent: number;
  failed: number;
  uafklaret: number;
}

export function totals(letters: readonly ManifestLetter[], status: SendStatusMap): Totals {
  const t: Totals = { letters: letters.length, rendered: 0, sent: 0, failed: 0, uafklaret: 0 };
  for (const l of letters) t[stateOf(status, l.kommunekode)]++;
  return t;
}

export function totalsText(t: Totals): string {
  return `${t.sent} af ${countText(t.letters, 'brev', 'breve')} sendt, ${t.failed} fejlet, ${t.uafklaret} uafklaret, ${t.rendered} ikke sendt`;
}

/** What to do about an uafklaret letter, with the exact commands. */
export function uafklaretAdvice(kode: string, dataArg: string, outArg: string): string {
  return (
    `Undersøg for hvert brev i mailserverens log (søg efter Message-ID) eller hos kommunen, om e-mailen kom frem. ` +
    `Kom den frem: »kommunebrev send --data ${dataArg} --out ${outArg} --kommune ${kode} --mark-sent«. ` +
    `Kom den ikke frem: »kommunebrev send --data ${dataArg} --out ${outArg} --kommune ${kode} --resend« (her for kommune ${kode}).`
  );
}

export interface StatusRow {
  kommunekode: string;
  navn: string;
  recipient: string;
  state: LetterState;
  at?: string;
  messageId?: string;
  response?: string;
  code?: number;
  resends: number;
  /** The letter that went out is not the one in the folder now (render was run again after sending). */
  sentOtherVersion: boolean;
}

export function statusRows(manifest: Manifest, status: SendStatusMap, intentSha: ReadonlyMap<string, string>): StatusRow[] {
  return manifest.letters.map((l) => {
    const s = status.get(l.kommunekode);
    const row: StatusRow = {
      kommunekode: l.kommunekode,
      navn: l.navn,
      recipient: l.recipient,
      state: s?.state ?? 'rendered',
      resends: s?.resends ?? 0,
      sentOtherVersion:
        (s?.state === 'sent' || s?.state === 'uafklaret') && intentSha.has(l.kommunekode) && intentSha.get(l.kommunekode) !== l.eml.sha256,
    };
    if (s) {
      row.at = s.at;
      if (s.messageId !== undefined) row.messageId = s.messageId;
      if (s.response !== undefined) row.response = s.response;
      if (s.code !== undefined) row.code = s.code;
    }
    return row;
  });
}

function pad(s: string, n: number): string {
  return s.length >= n ? s : s + ' '.repeat(n - s.length);
}

/** The status as a text table, one kommune per line, details indented below. */
export function formatStatusTable(manifest: Manifest, rows: readonly StatusRow[]): string {
  const lines: string[] = [];
  lines.push(`${manifest.barometer.titel} (${manifest.barometer.id}): ${countText(rows.length, 'brev', 'breve')}${manifest.barometer.eksempeldata ? ' (eksempeldata)' : ''}`);
  lines.push('');
  const navnWidth = Math.min(28, Math.max(7, ...rows.map((r) => r.navn.length)));
  lines.push(`${pad('Kode', 5)} ${pad('Kommune', navnWidth)} ${pad('Status', 10)} Tidspunkt`);
  for (const r of rows) {
    lines.push(`${pad(r.kommunekode, 5)} ${pad(r.navn, navnWidth)} ${pad(STATE_LABEL[r.state], 10)} ${r.at ? formatTime(r.at) : ''}`.trimEnd());
    const indent = ' '.repeat(6);
    if (r.state === 'sent') {
      lines.push(`${indent}til ${r.recipient}; Message-ID <${r.messageId ?? '?'}>; svar: ${r.response ?? ''}`);
    } else if (r.state === 'failed') {
      lines.push(`${indent}til ${r.recipient}; fejl: ${r.response ?? ''}`);
    } else if (r.state === 'uafklaret') {
      lines.push(`${indent}til ${r.recipient}; Message-ID <${r.messageId ?? '?'}>; ${r.response ?? ''}`);
    }
    if (r.resends > 0) lines.push(`${indent}sendt igen med vilje ${countText(r.resends, 'gang', 'gange')}`);
    if (r.sentOtherVersion) lines.push(`${indent}bemærk: det afsendte brev er en tidligere udgave end det, der ligger i mappen nu (render er kørt igen).`);
  }
  return lines.join('\n');
}

export function statusJson(manifest: Manifest, rows: readonly StatusRow[], t: Totals): unknown {
  return {
    barometer: manifest.barometer,
    totals: t,
    letters: rows,
  };
}
