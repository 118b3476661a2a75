// One `send` run: confirm, connect, and deliver each job with the journal
// written around every attempt (intent before, outcome after), retries with
// backoff, the rate limit, Ctrl-C, then the summary from the journal.
//
// A job is one SMTP transaction to one envelope recipient: the letter to its
// kommune, a test send, or the archive copy of a delivery. Each attempt
// builds its message anew (`prepare`), so it carries its own Date and
// Message-ID; the intent line records exactly what was used.
import type { Lock, OpenJournal } from '../adapters/send/send-journal.js';
import { readJournal } from '../adapters/send/send-journal.js';
import {
  resolveTarget,
  SessionError,
  SmtpClient,
  type Target,
  type TransportTimeouts,
} from '../adapters/send/smtp-transport.js';
import type { Manifest, ManifestLetter } from '../core/letters/manifest.js';
import { countText, formatSeconds } from '../core/danish.js';
import { foldRecord } from '../core/send/journal-fold.js';
import { clip, JOURNAL_VERSION, type JournalEntry, type LineKind } from '../core/send/journal.js';
import { rateDelayMs, retryDelayMs, type Rate, type RetryPolicy } from '../core/send/pacing.js';
import { describeSession, describeSmtpError, who, type CommandArgs } from '../core/send/send-report.js';
import { classifySessionError, classifySmtpError, type SmtpErrorInfo } from '../core/send/smtp-errors.js';
import type { SmtpSettings } from '../core/send/smtp-settings.js';
import { EXIT_INVALID, EXIT_USAGE, progress, UsageError, type Io } from './io.js';
import { refreshPreview } from './refresh-preview.js';
import { summarize, type Confirmation } from '../core/send/send-summary.js';

/** The message of one attempt. */
export interface Prepared {
  bytes: Buffer;
  messageId: string;
  /** The Date field's value. */
  date: string;
  sha256: string;
  contentSha256?: string;
}

export interface Job {
  letter: ManifestLetter;
  kind: LineKind;
  /** Envelope recipient: where this transaction goes. */
  to: string;
  resend: boolean;
  prepare(attempt: number): Prepared | Promise<Prepared>;
  /** After the server accepted it: more to send for this letter (its archive copy). */
  then?: (sent: Prepared) => Job | undefined;
}

export interface SendRunOptions {
  io: Io;
  manifest: Manifest;
  dir: string;
  journal: OpenJournal;
  lock: Lock;
  settings: SmtpSettings;
  rate: Rate | undefined;
  retry: RetryPolicy;
  timeouts: TransportTimeouts;
  /** MAIL FROM: the sender address in barometer.json. */
  from: string;
  runId: string;
  /** --data and --out as given, for the journal and the commands shown. */
  args: Required<CommandArgs>;
  yes: boolean;
  /** Set for send --test ADRESSE. */
  testAddress?: string | undefined;
  /** barometer.json `arkivkopi`: every delivered letter also goes there, once. */
  arkivkopi?: string | undefined;
  /** barometer.json `journalnummer`, recorded with the run. */
  journalnummer?: string | undefined;
}

type LetterOutcome =
  | { kind: 'sent'; prepared: Prepared }
  | { kind: 'failed' }
  | { kind: 'uafklaret' }
  | { kind: 'stopped' }
  | { kind: 'session'; fatal: boolean; info: SmtpErrorInfo };

const YES = new Set(['ja', 'j', 'yes', 'y']);

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  if (ms <= 0 || signal.aborted) return Promise.resolve();
  return new Promise((resolvePromise) => {
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolvePromise();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}

export class SendRun {
  private readonly stopController = new AbortController();
  private client: SmtpClient | undefined;
  private lastStart: number | undefined;
  private sigints = 0;
  /** Letters (or test letters) of this run; archive copies apart. */
  private readonly thisRun = { sent: 0, failed: 0, uafklaret: 0 };
  private readonly copies = { sent: 0, failed: 0, uafklaret: 0 };

  constructor(private readonly o: SendRunOptions) {}

  /** A line on stderr that does not end up glued to the progress bar on a terminal. */
  private note(text: string): void {
    this.o.io.err(this.o.io.errIsTTY ? `\r\x1b[2K${text}` : text);
  }

  private get stopping(): boolean {
    return this.stopController.signal.aborted;
  }

  private entry<T extends JournalEntry['type']>(
    type: T,
  ): { v: typeof JOURNAL_VERSION; at: string; run: string; type: T } {
    return { v: JOURNAL_VERSION, at: new Date().toISOString(), run: this.o.runId, type };
  }

  /** Asks before sending (unless --yes). Returns false when the answer is no. */
  async confirm(c: Confirmation): Promise<boolean> {
    const io = this.o.io;
    for (const line of c.lines) io.out(line);
    if (this.o.yes) return true;
    if (!io.interactive) {
      throw new UsageError(
        'send skal bekræftes, men der er ingen terminal at spørge i. Tilføj --yes (fx i scripts), når du har set forhåndsvisningen igennem. Intet er sendt.',
      );
    }
    const answer = (await io.ask(c.question)).trim().toLowerCase();
    if (YES.has(answer)) return true;
    io.out('Afbrudt. Intet er sendt.');
    return false;
  }

  /** Sends the jobs in order; returns the exit code after the summary. */
  async run(jobs: readonly Job[], scope: readonly ManifestLetter[]): Promise<number> {
    const { io, settings } = this.o;
    let target: Target;
    try {
      target = await resolveTarget(settings);
    } catch (err) {
      throw new UsageError(`Mailserveren ${settings.display} kan ikke bruges: ${(err as Error).message}`);
    }
    this.client = new SmtpClient(settings, target, { timeouts: this.o.timeouts, maxMessages: 100 });
    const onSignal = (): void => this.onSignal();
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
    let sessionProblem: Extract<LetterOutcome, { kind: 'session' }> | undefined;
    try {
      await this.o.journal.append({
        ...this.entry('run'),
        pid: process.pid,
        server: settings.display,
        barometer: this.o.manifest.barometer.id,
        plan: jobs.map((j) => j.letter.kommunekode),
        data: this.o.args.data,
        out: this.o.args.out,
        ...(this.o.testAddress !== undefined ? { test: this.o.testAddress } : {}),
        ...(this.o.journalnummer !== undefined ? { journalnummer: this.o.journalnummer } : {}),
      });
      const tick = progress(io, this.o.testAddress !== undefined ? 'Sender testbreve' : 'Sender breve', jobs.length);
      tick(0);
      for (const [i, job] of jobs.entries()) {
        if (this.stopping) break;
        let next: Job | undefined = job;
        while (next) {
          const outcome = await this.deliver(next);
          if (outcome.kind === 'session') sessionProblem = outcome;
          next = outcome.kind === 'sent' ? next.then?.(outcome.prepared) : undefined;
          if (this.stopping || sessionProblem) break;
        }
        if (sessionProblem || this.stopping) break;
        tick(i + 1, job.letter.navn);
      }
      await this.o.journal.append({ ...this.entry('run-end'), ...this.thisRun, interrupted: this.stopping });
    } finally {
      await this.client.close().catch(() => undefined);
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    }

    if (sessionProblem) {
      const text = describeSession(sessionProblem.info);
      io.err(
        `kommunebrev: ${sessionProblem.fatal ? 'Mailserveren kan ikke bruges' : 'Mailserveren kunne ikke nås'} (${settings.display}): ${text}`,
      );
      if (sessionProblem.info.code === 'ETLS') {
        io.err(
          'Brevene sendes kun krypteret (TLS eller STARTTLS), når mailserveren ikke er på denne maskine. Intet er sendt over en ukrypteret forbindelse.',
        );
      }
    }
    if (this.stopping) io.err('Afsendelsen blev stoppet (Ctrl-C). Kør send igen for at fortsætte, hvor den slap.');
    const code = await this.finish(scope, jobs.filter((j) => j.kind !== 'arkivkopi').length, true);
    if (sessionProblem?.fatal) return EXIT_USAGE;
    return code;
  }

  private onSignal(): void {
    this.sigints++;
    if (this.sigints === 1) {
      this.stopController.abort();
      this.note(
        'Stopper efter det brev, der sendes nu. Tryk Ctrl-C igen for at stoppe med det samme (brevet, der sendes nu, bliver så uafklaret).',
      );
      return;
    }
    this.client?.drop();
    this.o.lock.releaseSync();
    this.o.io.err('Stoppet med det samme. Se »kommunebrev status«.');
    process.exit(130);
  }

  /** Connects (or reuses the connection), retrying network trouble with backoff. */
  private async connect(): Promise<LetterOutcome | undefined> {
    const client = this.client as SmtpClient;
    const retry = this.o.retry;
    for (let attempt = 1; ; attempt++) {
      try {
        await client.open();
        return undefined;
      } catch (err) {
        if (!(err instanceof SessionError)) throw err;
        const fatal = classifySessionError(err.info) === 'fatal';
        if (fatal || attempt >= retry.maxAttempts || this.stopping) return { kind: 'session', fatal, info: err.info };
        const delay = retryDelayMs(attempt + 1, retry);
        this.note(
          `Kunne ikke forbinde til mailserveren (${describeSession(err.info)}); prøver igen om ${formatSeconds(delay)}.`,
        );
        await sleep(delay, this.stopController.signal);
        if (this.stopping) return { kind: 'stopped' };
      }
    }
  }

  private counter(job: Job): { sent: number; failed: number; uafklaret: number } {
    return job.kind === 'arkivkopi' ? this.copies : this.thisRun;
  }

  private label(job: Job): string {
    const w = who(job.letter, job.to);
    return job.kind === 'arkivkopi'
      ? `arkivkopi af brevet til ${job.letter.kommunekode} ${job.letter.navn} <${job.to}>`
      : job.kind === 'test'
        ? `test af ${w}`
        : w;
  }

  private async deliver(job: Job): Promise<LetterOutcome> {
    const { letter } = job;
    const retry = this.o.retry;
    const count = this.counter(job);
    const lineBase = { kommunekode: letter.kommunekode, kind: job.kind };
    for (let attempt = 1; ; attempt++) {
      const notConnected = await this.connect();
      if (notConnected) return notConnected;
      await sleep(rateDelayMs(this.lastStart, Date.now(), this.o.rate), this.stopController.signal);
      if (this.stopping) {
        // Nothing of this attempt has started; an earlier attempt's failure is in the journal.
        if (attempt > 1) count.failed++;
        return { kind: 'stopped' };
      }

      const prepared = await job.prepare(attempt);
      await this.o.journal.append({
        ...this.entry('intent'),
        ...lineBase,
        attempt,
        recipient: job.to,
        messageId: prepared.messageId,
        emlFile: letter.eml.file,
        emlSha256: letter.eml.sha256,
        date: prepared.date,
        sha256: prepared.sha256,
        ...(prepared.contentSha256 !== undefined ? { contentSha256: prepared.contentSha256 } : {}),
        resend: job.resend,
      });
      this.lastStart = Date.now();
      const result = await (this.client as SmtpClient).send({ from: this.o.from, to: job.to }, prepared.bytes);

      if (result.ok) {
        await this.o.journal.append({
          ...this.entry('sent'),
          ...lineBase,
          attempt,
          messageId: prepared.messageId,
          response: clip(result.response),
        });
        count.sent++;
        return { kind: 'sent', prepared };
      }

      const cls = classifySmtpError(result.error, result.progress);
      const text = clip(describeSmtpError(result.error, cls, result.progress));
      const code =
        result.error.responseCode !== undefined && result.error.responseCode >= 400
          ? result.error.responseCode
          : undefined;
      const withCode = <T extends object>(o: T): T & { code?: number } => (code !== undefined ? { ...o, code } : o);
      if (cls === 'uafklaret') {
        await this.o.journal.append(withCode({ ...this.entry('uafklaret'), ...lineBase, attempt, response: text }));
        count.uafklaret++;
        this.note(`${this.label(job)}: uafklaret: ${text}`);
        return { kind: 'uafklaret' };
      }
      const temporary = cls === 'temporary';
      await this.o.journal.append(
        withCode({ ...this.entry('failed'), ...lineBase, attempt, temporary, response: text }),
      );
      if (!temporary || attempt >= retry.maxAttempts || this.stopping) {
        count.failed++;
        this.note(
          `${this.label(job)}: fejlet: ${text}${temporary ? ` (opgivet efter ${countText(attempt, 'forsøg', 'forsøg')}; kør send igen senere)` : ''}`,
        );
        return { kind: 'failed' };
      }
      const delay = retryDelayMs(attempt + 1, retry);
      this.note(
        `${this.label(job)}: ${text}; prøver igen om ${formatSeconds(delay)} (forsøg ${attempt + 1} af ${retry.maxAttempts}).`,
      );
      await sleep(delay, this.stopController.signal);
      if (this.stopping) {
        count.failed++;
        return { kind: 'stopped' };
      }
    }
  }

  /** Summary of the whole scope (not only this run) from the journal, preview refresh, exit code. */
  async finish(scope: readonly ManifestLetter[], attempted: number, ran: boolean): Promise<number> {
    const { io, manifest } = this.o;
    const record = foldRecord((await readJournal(this.o.dir)).entries);
    const summary = summarize({
      manifest,
      scope,
      record,
      args: this.o.args,
      ran,
      attempted,
      thisRun: this.thisRun,
      copies: this.copies,
      testAddress: this.o.testAddress,
      arkivkopi: this.o.arkivkopi,
    });
    for (const line of summary.lines) io.out(line);
    await refreshPreview(io, this.o.dir, manifest, record.status);
    return summary.ok ? 0 : EXIT_INVALID;
  }
}
