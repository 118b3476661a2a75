// What `send` says before and after a run: the confirmation (how many
// letters to how many addresses, via which server) and the summary of the
// whole scope as the journal tells it. Pure: returns lines of Danish text.
import { countText, formatTime, listSome } from '../danish.js';
import type { Manifest, ManifestLetter } from '../letters/manifest.js';
import type { JournalRecord } from './journal-fold.js';
import {
  newerVersionText,
  sendCommand,
  totals,
  totalsText,
  uafklaretAdvice,
  who,
  type CommandArgs,
} from './send-report.js';
import type { SendPlan } from './send-plan.js';

export interface Confirmation {
  lines: string[];
  question: string;
}

export interface ConfirmInput {
  manifest: Manifest;
  /** Letters about to go, with the address each goes to. */
  letters: readonly { letter: ManifestLetter; to: string; resend: boolean; retry: boolean }[];
  server: string;
  login: boolean;
  rate?: string | undefined;
  testAddress?: string | undefined;
  arkivkopi?: string | undefined;
  /** Archive copies of earlier deliveries that are still to go. */
  pendingCopies: number;
}

export function confirmation(c: ConfirmInput): Confirmation {
  const lines: string[] = [];
  const n = c.letters.length;
  const addresses = new Set(c.letters.map((l) => l.to.toLowerCase()));
  const what = `${c.manifest.barometer.titel}${c.manifest.barometer.eksempeldata ? ', eksempeldata' : ''}`;
  if (c.testAddress !== undefined) {
    lines.push(
      `Klar til at sende ${countText(n, 'testbrev', 'testbreve')} til ${c.testAddress} (${what}). Kommunerne får intet, og intet registreres som sendt til dem.`,
    );
  } else if (n > 0) {
    lines.push(
      `Klar til at sende ${countText(n, 'brev', 'breve')} til ${countText(addresses.size, 'adresse', 'adresser')} (${what}).`,
    );
  } else {
    lines.push(
      `Klar til at sende ${countText(c.pendingCopies, 'manglende arkivkopi', 'manglende arkivkopier')} til ${c.arkivkopi ?? ''} (${what}).`,
    );
  }
  lines.push(`  Mailserver: ${c.server}${c.login ? ', med login' : ''}`);
  lines.push(`  Afsender: ${c.manifest.letters[0]?.email.from ?? ''}`);
  const [only] = c.letters;
  if (n === 1 && only && c.testAddress === undefined) lines.push(`  Modtager: ${who(only.letter, only.to)}`);
  const retrying = c.letters.filter((l) => l.retry).length;
  if (retrying > 0) lines.push(`  Heraf ${countText(retrying, 'brev', 'breve')}, som fejlede sidst.`);
  if (c.letters.some((l) => l.resend))
    lines.push('  Sendes igen med vilje (--resend): kommunen kan have fået brevet i forvejen.');
  if (c.arkivkopi !== undefined && c.testAddress === undefined) {
    lines.push(
      `  Arkivkopi: hvert brev sendes også til ${c.arkivkopi} (ikke synligt for kommunen)${c.pendingCopies > 0 ? `; heraf ${countText(c.pendingCopies, 'manglende kopi', 'manglende kopier')} af tidligere afsendte breve` : ''}.`,
    );
  }
  if (c.rate !== undefined) lines.push(`  Hastighed: højst ${c.rate}.`);
  const object =
    c.testAddress !== undefined
      ? n === 1
        ? 'testbrevet'
        : `de ${n} testbreve`
      : n === 1
        ? 'brevet'
        : n === 0
          ? 'kopierne'
          : `de ${n} breve`;
  return { lines, question: `Send ${object} nu? Skriv »ja« for at sende: ` };
}

/** What a run that sends nothing says first: skipped letters, newer versions not sent, uafklaret. */
export function planNotes(
  plan: SendPlan,
  kommunekode: string | undefined,
  args: CommandArgs,
  record: JournalRecord,
): { out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  if (plan.alreadySent.length > 0) {
    const [first] = plan.alreadySent;
    const d = first ? record.status.get(first.kommunekode)?.deliveries.at(-1) : undefined;
    out.push(
      kommunekode !== undefined && first
        ? `Brevet til ${first.kommunekode} ${first.navn} er allerede sendt${d ? ` til ${d.to} (${formatTime(d.at)})` : ''}. Brug --resend for at sende det igen med vilje.`
        : `${countText(plan.alreadySent.length, 'brev er', 'breve er')} allerede sendt og springes over.`,
    );
  }
  if (plan.newerUnsent.length > 0) {
    err.push(
      `Bemærk: ${countText(plan.newerUnsent.length, 'brev', 'breve')} er ændret, efter at ${plan.newerUnsent.length === 1 ? 'det' : 'de'} blev sendt, og den nye udgave er ikke sendt ` +
        `(den sendes kun med --kommune X --resend):`,
    );
    for (const c of plan.newerUnsent) err.push(`  ${newerVersionText(c, args)}`);
  }
  if (plan.uafklaret.length > 0) {
    err.push(
      `${countText(plan.uafklaret.length, 'brev er', 'breve er')} uafklaret og sendes ikke igen automatisk ` +
        `(${listSome(plan.uafklaret.map((l) => `${l.kommunekode} ${l.navn}`))}); se oversigten til sidst.`,
    );
  }
  return { out, err };
}

export interface SummaryInput {
  manifest: Manifest;
  scope: readonly ManifestLetter[];
  record: JournalRecord;
  args: CommandArgs;
  /** Whether anything was tried in this run. */
  ran: boolean;
  /** Letters (or test letters) this run meant to send. */
  attempted: number;
  thisRun: { sent: number; failed: number; uafklaret: number };
  copies: { sent: number; failed: number; uafklaret: number };
  testAddress?: string | undefined;
  /** barometer.json `arkivkopi`, when set. */
  arkivkopi?: string | undefined;
}

/** Deliveries in scope whose archive copy has not reached the archive. */
export function missingCopies(scope: readonly ManifestLetter[], record: JournalRecord, arkivkopi: string | undefined) {
  if (arkivkopi === undefined) return [];
  return scope.flatMap((letter) =>
    (record.status.get(letter.kommunekode)?.deliveries ?? [])
      .filter((d) => d.arkivkopi?.state !== 'sent')
      .map((delivery) => ({ letter, delivery })),
  );
}

/** The summary of the whole scope after a run (or when there was nothing to do), and whether all is well. */
export function summarize(s: SummaryInput): { lines: string[]; ok: boolean } {
  const lines: string[] = [];
  const { thisRun, record } = s;
  const done = thisRun.sent + thisRun.failed + thisRun.uafklaret;
  if (s.testAddress !== undefined) {
    lines.push(
      `Testafsendelse til ${s.testAddress}: ${countText(thisRun.sent, 'testbrev', 'testbreve')} sendt, ${thisRun.failed} fejlet, ${thisRun.uafklaret} uafklaret` +
        `${s.attempted > done ? `, ${s.attempted - done} ikke forsøgt` : ''}. Kommunerne har ikke fået noget; status for brevene er uændret.`,
    );
    return { lines, ok: thisRun.sent === s.attempted };
  }
  const status = record.status;
  if (s.ran) {
    lines.push(
      `Denne kørsel: ${countText(thisRun.sent, 'brev', 'breve')} sendt, ${thisRun.failed} fejlet, ${thisRun.uafklaret} uafklaret` +
        `${s.attempted > done ? `, ${s.attempted - done} ikke forsøgt` : ''}.`,
    );
    if (s.copies.sent + s.copies.failed + s.copies.uafklaret > 0) {
      lines.push(
        `Arkivkopier i denne kørsel: ${s.copies.sent} sendt, ${s.copies.failed} fejlet, ${s.copies.uafklaret} uafklaret.`,
      );
    }
  }
  const failed = s.scope.filter((l) => status.get(l.kommunekode)?.state === 'failed');
  const uafklaret = s.scope.filter((l) => status.get(l.kommunekode)?.state === 'uafklaret');
  const notSent = s.scope.filter((l) => status.get(l.kommunekode) === undefined);
  const to = (l: ManifestLetter): string => status.get(l.kommunekode)?.to ?? l.recipient;
  if (failed.length > 0) {
    lines.push(
      `Fejlet (${failed.length}); mailserveren tog ikke imod ${failed.length === 1 ? 'brevet' : 'dem'}, så ${failed.length === 1 ? 'det' : 'de'} forsøges igen ved næste »send«:`,
    );
    for (const l of failed) lines.push(`  ${who(l, to(l))}: ${status.get(l.kommunekode)?.response ?? ''}`);
    if (failed.some((l) => (status.get(l.kommunekode)?.code ?? 0) >= 500)) {
      lines.push(
        '  Ved permanent afvisning (5xx): kontrollér adressen i kommuner.csv; er den forkert, så ret den, kør render igen, se forhåndsvisningen, og send.',
      );
    }
  }
  if (uafklaret.length > 0) {
    lines.push(`Uafklaret (${uafklaret.length}), sendes ikke igen automatisk:`);
    for (const l of uafklaret)
      lines.push(
        `  ${who(l, to(l))}: Message-ID <${status.get(l.kommunekode)?.messageId ?? ''}>: ${status.get(l.kommunekode)?.response ?? ''}`,
      );
    const [u] = uafklaret;
    if (u) lines.push(`  Hvad nu: ${uafklaretAdvice(u.kommunekode, s.args)}`);
  }
  if (notSent.length > 0 && s.ran)
    lines.push(
      `Ikke sendt (${notSent.length}): ${listSome(notSent.map((l) => `${l.kommunekode} ${l.navn}`))}. Kør send igen for at fortsætte.`,
    );
  const copies = missingCopies(s.scope, record, s.arkivkopi);
  if (copies.length > 0) {
    lines.push(`Arkivkopi mangler (${copies.length}); brevene til kommunerne er ikke sendt igen:`);
    for (const { letter, delivery } of copies) {
      const c = delivery.arkivkopi;
      const state = !c
        ? 'ikke sendt endnu; sendes ved næste »send«'
        : c.state === 'failed'
          ? `fejlet: ${c.response ?? ''}; forsøges igen ved næste »send«`
          : `uafklaret: ${c.response ?? ''}; undersøg arkivets postkasse (søg efter Message-ID), og kom den frem: »${sendCommand(s.args, letter.kommunekode, '--mark-sent')}«`;
      lines.push(`  ${letter.kommunekode} ${letter.navn} (Message-ID <${delivery.messageId}>): ${state}`);
    }
  }
  const scopeText = s.scope.length < s.manifest.letters.length ? ` for ${s.scope.map((l) => l.navn).join(', ')}` : '';
  lines.push(
    `Status${scopeText}: ${totalsText(totals(s.scope, status))}. Se »kommunebrev status --out ${s.args.out ?? ''}«.`,
  );
  const allSent = s.scope.every((l) => status.get(l.kommunekode)?.state === 'sent');
  return { lines, ok: allSent && copies.length === 0 };
}
