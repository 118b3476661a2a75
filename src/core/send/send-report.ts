// Danish texts shared by `send` and `status`: what an SMTP error means, who a
// letter goes to, the totals, and the exact commands to run next. Pure.
import type { ManifestLetter } from '../letters/manifest.js';
import { countText } from '../danish.js';
import type { DataProgress, SmtpErrorClass, SmtpErrorInfo } from './smtp-errors.js';
import type { VersionChange } from './send-plan.js';
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
  if (progress.dataStarted)
    return `Forbindelsen blev afbrudt, mens e-mailen blev sendt, før den var sendt færdig; den er ikke modtaget (${technical}).`;
  if (err.code === 'ETIMEDOUT') return `Mailserveren svarede ikke i tide, før e-mailen blev sendt (${technical}).`;
  return `Forbindelsen til mailserveren svigtede, før e-mailen blev sendt (${technical}).`;
}

/** Why a session (connect, TLS, login) failed. */
export function describeSession(info: SmtpErrorInfo): string {
  if (info.code === 'EAUTH' || info.code === 'ENOAUTH')
    return `login afvist (${info.response ?? info.message}); kontrollér SMTP_USER og SMTP_PASS`;
  if (info.code === 'ETLS') return `krypteret forbindelse (TLS/STARTTLS) mislykkedes: ${info.message}`;
  if (info.code === 'EDNS') return `værtsnavnet kan ikke slås op: ${info.message}`;
  return `${info.code ?? 'fejl'}: ${info.message}`;
}

/** "173 Lyngby-Taarbæk Kommune <adresse>": the address is the one given, never assumed. */
export function who(l: Pick<ManifestLetter, 'kommunekode' | 'navn'>, address: string): string {
  return `${l.kommunekode} ${l.navn} <${address}>`;
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

/** The folders a command is run with, as the user gave them (placeholders when unknown). */
export interface CommandArgs {
  data?: string | undefined;
  out?: string | undefined;
}

export function sendCommand(args: CommandArgs, kode: string, flag: '--resend' | '--mark-sent'): string {
  return `kommunebrev send --data ${args.data ?? '<barometermappe>'} --out ${args.out ?? '<outputmappe>'} --kommune ${kode} ${flag}`;
}

/** What to do about an uafklaret letter, with the exact commands. */
export function uafklaretAdvice(kode: string, args: CommandArgs): string {
  return (
    `Undersøg for hvert brev i mailserverens log (søg efter Message-ID) eller hos kommunen, om e-mailen kom frem. ` +
    `Kom den frem: »${sendCommand(args, kode, '--mark-sent')}«. ` +
    `Kom den ikke frem: »${sendCommand(args, kode, '--resend')}« (her for kommune ${kode}).`
  );
}

/** "173 Lyngby-Taarbæk Kommune: adressen er ændret (sendt til a, nu b); den nye udgave er ikke sendt. Send den med »…«." */
export function newerVersionText(c: VersionChange, args: CommandArgs): string {
  const what: string[] = [];
  if (c.address) what.push(`adressen er ændret (sendt til ${c.delivery.to}, nu ${c.letter.recipient})`);
  if (c.content && !c.address) what.push('brevet er ændret');
  return (
    `${c.letter.kommunekode} ${c.letter.navn}: ${what.join(', ')} siden afsendelsen; den nye udgave er ikke sendt. ` +
    `Send den med »${sendCommand(args, c.letter.kommunekode, '--resend')}«.`
  );
}
