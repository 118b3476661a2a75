// `status` as text and JSON: per letter its state and every delivery with
// the address it really went to, the archive copies, test sends apart, and
// whether the letter in the folder now is a newer version than the one that
// went out. Pure; everything about sending comes from the journal (folded),
// the manifest only says which letters exist now.
import { countText, formatTime } from '../danish.js';
import type { Manifest } from '../letters/manifest.js';
import { lastDelivery } from './journal-fold.js';
import { newerVersionText, STATE_LABEL, type CommandArgs, type LetterState, type Totals } from './send-report.js';
import { versionChange } from './send-plan.js';
import type { ArchiveCopy, SendState, SendStatusMap, TestSend } from './send-status.js';

export interface DeliveryJson {
  at: string;
  to: string;
  messageId: string;
  sha256: string;
  resend: boolean;
  /** Only when recorded by hand (--mark-sent) after an uafklaret send. */
  confirmedManually?: true;
  arkivkopi?: ArchiveCopy;
}

export interface TestSendJson {
  at: string;
  to: string;
  messageId: string;
  state: SendState;
}

export interface StatusRow {
  kommunekode: string;
  navn: string;
  /** The letter's address now (the manifest): where a new send would go. */
  recipient: string;
  state: LetterState;
  at?: string;
  messageId?: string;
  response?: string;
  code?: number;
  resends: number;
  /** The letter that went out is not the one in the folder now (address or content changed since). */
  sentOtherVersion: boolean;
  /** Every delivery, oldest first; empty when nothing was sent. */
  deliveries: DeliveryJson[];
  /** Test sends (send --test): never deliveries. */
  tests: TestSendJson[];
  /** Set when a newer version of a delivered letter has not been sent: what changed and the command that sends it. */
  newerVersion?: { address: boolean; content: boolean; text: string };
  /** Where the last attempt went when it failed or is uafklaret (from the journal). */
  attemptedTo?: string;
}

export function statusRows(
  manifest: Manifest,
  status: SendStatusMap,
  tests: ReadonlyMap<string, readonly TestSend[]>,
  args: CommandArgs,
): StatusRow[] {
  return manifest.letters.map((l) => {
    const s = status.get(l.kommunekode);
    const change = s?.state === 'sent' || s?.state === 'uafklaret' ? versionChange(l, lastDelivery(s)) : undefined;
    const row: StatusRow = {
      kommunekode: l.kommunekode,
      navn: l.navn,
      recipient: l.recipient,
      state: s?.state ?? 'rendered',
      resends: s?.resends ?? 0,
      sentOtherVersion: change !== undefined,
      deliveries: (s?.deliveries ?? []).map((d) => {
        const j: DeliveryJson = { at: d.at, to: d.to, messageId: d.messageId, sha256: d.sha256, resend: d.resend };
        if (d.confirmedManually) j.confirmedManually = true;
        if (d.arkivkopi) j.arkivkopi = d.arkivkopi;
        return j;
      }),
      tests: (tests.get(l.kommunekode) ?? []).map((t) => ({
        at: t.at,
        to: t.to,
        messageId: t.messageId,
        state: t.state,
      })),
    };
    if (s) {
      row.at = s.at;
      if (s.messageId !== undefined) row.messageId = s.messageId;
      if (s.response !== undefined) row.response = s.response;
      if (s.code !== undefined) row.code = s.code;
      if (s.state !== 'sent' && s.to !== undefined) row.attemptedTo = s.to;
    }
    if (change && s?.state === 'sent')
      row.newerVersion = { address: change.address, content: change.content, text: newerVersionText(change, args) };
    return row;
  });
}

function pad(s: string, n: number): string {
  return s.length >= n ? s : s + ' '.repeat(n - s.length);
}

const COPY_LABEL: Record<SendState, string> = { sent: 'sendt', failed: 'fejlet', uafklaret: 'uafklaret' };

/** The status as a text table, one kommune per line, its deliveries and notes indented below. */
export function formatStatusTable(manifest: Manifest, rows: readonly StatusRow[]): string {
  const lines: string[] = [];
  lines.push(
    `${manifest.barometer.titel} (${manifest.barometer.id}): ${countText(rows.length, 'brev', 'breve')}${manifest.barometer.eksempeldata ? ' (eksempeldata)' : ''}`,
  );
  lines.push('');
  const navnWidth = Math.min(28, Math.max(7, ...rows.map((r) => r.navn.length)));
  lines.push(`${pad('Kode', 5)} ${pad('Kommune', navnWidth)} ${pad('Status', 10)} Tidspunkt`);
  const indent = ' '.repeat(6);
  for (const r of rows) {
    lines.push(
      `${pad(r.kommunekode, 5)} ${pad(r.navn, navnWidth)} ${pad(STATE_LABEL[r.state], 10)} ${r.at ? formatTime(r.at) : ''}`.trimEnd(),
    );
    r.deliveries.forEach((d, i) => {
      const how = d.confirmedManually ? 'modtaget (kontrolleret manuelt)' : d.resend ? 'sendt igen med vilje' : 'sendt';
      // The server's reply is kept for the latest outcome; it belongs to the last delivery when the letter is sent.
      const reply = r.state === 'sent' && i === r.deliveries.length - 1 ? `; svar: ${r.response ?? ''}` : '';
      lines.push(`${indent}${how} ${formatTime(d.at)} til ${d.to}; Message-ID <${d.messageId}>${reply}`);
      if (d.arkivkopi) {
        const c = d.arkivkopi;
        lines.push(
          `${indent}  arkivkopi til ${c.to}: ${COPY_LABEL[c.state]} ${formatTime(c.at)}${c.state === 'sent' ? '' : `: ${c.response ?? ''}`}`,
        );
      }
    });
    if (r.state === 'failed') {
      lines.push(`${indent}til ${r.attemptedTo ?? r.recipient}; fejl: ${r.response ?? ''}`);
    } else if (r.state === 'uafklaret') {
      lines.push(
        `${indent}til ${r.attemptedTo ?? r.recipient}; Message-ID <${r.messageId ?? '?'}>; ${r.response ?? ''}`,
      );
    }
    if (r.newerVersion) lines.push(`${indent}bemærk: ${r.newerVersion.text}`);
    else if (r.sentOtherVersion)
      lines.push(`${indent}bemærk: brevet i mappen nu er en anden udgave end det, afsendelsen gjaldt.`);
    for (const t of r.tests) {
      lines.push(
        `${indent}testafsendelse ${formatTime(t.at)} til ${t.to}: ${COPY_LABEL[t.state]} (tæller ikke som sendt til kommunen)`,
      );
    }
  }
  return lines.join('\n');
}

export function statusJson(manifest: Manifest, rows: readonly StatusRow[], t: Totals): unknown {
  return {
    barometer: manifest.barometer,
    totals: t,
    // Test sends that reached the test address, counted apart: never in totals.sent.
    tests: rows.reduce((n, r) => n + r.tests.filter((x) => x.state === 'sent').length, 0),
    letters: rows,
  };
}
