// kommunebrev send: read → validate → check the render → lock → journal →
// plan → confirm → send (journal around every attempt) → summary.
//
// Exactly once: an intent line is fsynced before each SMTP transaction and
// an outcome line after it. A re-run skips what was sent, and does not
// resend what is uafklaret (intent without outcome, or a line lost after the
// data) unless asked to with --kommune X --resend.
import { join, resolve } from 'node:path';
import { acquireLock, JournalDamagedError, LockHeldError, openJournal, readJournal, type Lock, type OpenJournal } from '../adapters/send/send-journal.js';
import { readLetterFiles, readManifestFile } from '../adapters/letters/read-output.js';
import { DEFAULT_TIMEOUTS, resolveTarget, SessionError, SmtpClient, type Target } from '../adapters/send/smtp-transport.js';
import { findKommune } from '../core/letters/find-kommune.js';
import {
  classifySessionError,
  classifySmtpError,
  clip,
  DEFAULT_RETRY,
  foldJournal,
  JOURNAL_VERSION,
  lastIntentSha,
  parseRate,
  planSend,
  rateDelayMs,
  retryDelayMs,
  type JournalEntry,
  type PlannedLetter,
  type Rate,
  type RetryPolicy,
  type SmtpErrorInfo,
} from '../core/send/journal.js';
import type { Manifest, ManifestLetter } from '../core/letters/manifest.js';
import { countText, formatProblem, formatProblems, listSome } from '../core/problems.js';
import { checkRender, type LetterFiles } from '../core/send/send-check.js';
import { describeSmtpError, totals, totalsText, uafklaretAdvice } from '../core/send/send-report.js';
import type { SendStatusMap } from '../core/send/send-status.js';
import { parseSmtpSettings, type SmtpSettings } from '../core/send/smtp-settings.js';
import { EXIT_INVALID, EXIT_OK, EXIT_USAGE, progress, reportInvalid, UsageError, type Io } from './io.js';
import { loadBarometer } from './load.js';
import { refreshPreview } from './status.js';

export interface SendOptions {
  data: string;
  out: string;
  kommune?: string;
  resend?: boolean;
  yes?: boolean;
  rate?: string;
  markSent?: boolean;
}

/** Tunables from the environment (tests make the backoff fast). */
function envNumber(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < min) throw new UsageError(`${name} skal være et tal (mindst ${min}), ikke »${raw}«.`);
  return n;
}

function retryPolicy(env: NodeJS.ProcessEnv): RetryPolicy {
  const baseMs = envNumber(env, 'KOMMUNEBREV_RETRY_BASE_MS', DEFAULT_RETRY.baseMs, 0);
  return {
    baseMs,
    maxMs: Math.max(baseMs, DEFAULT_RETRY.maxMs),
    maxAttempts: Math.floor(envNumber(env, 'KOMMUNEBREV_RETRY_ATTEMPTS', DEFAULT_RETRY.maxAttempts, 1)),
  };
}

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

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0).replace('.', ',')} s`;
}

function who(l: ManifestLetter): string {
  return `${l.kommunekode} ${l.navn} <${l.recipient}>`;
}

const YES = new Set(['ja', 'j', 'yes', 'y']);

export async function runSend(opts: SendOptions, io: Io, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  // --- usage, before reading anything ---------------------------------------
  if (opts.resend && opts.kommune === undefined) {
    throw new UsageError('--resend kræver --kommune: der sendes kun én kommune igen ad gangen (fx --kommune 173 --resend).');
  }
  if (opts.markSent && opts.kommune === undefined) throw new UsageError('--mark-sent kræver --kommune (fx --kommune 173 --mark-sent).');
  if (opts.markSent && opts.resend) throw new UsageError('--mark-sent og --resend kan ikke bruges sammen.');
  let rate: Rate | undefined;
  if (opts.rate !== undefined) {
    rate = parseRate(opts.rate);
    if (!rate) throw new UsageError(`--rate »${opts.rate}« forstås ikke. Skriv fx --rate 5/s eller --rate 60/min.`);
  }
  let settings: SmtpSettings | undefined;
  if (!opts.markSent) {
    const parsed = parseSmtpSettings(env);
    if (!parsed.ok) throw new UsageError(parsed.message);
    settings = parsed.settings;
  }
  const retry = retryPolicy(env);
  const timeouts = {
    ...DEFAULT_TIMEOUTS,
    socketMs: envNumber(env, 'KOMMUNEBREV_SMTP_TIMEOUT_MS', DEFAULT_TIMEOUTS.socketMs, 100),
  };

  // --- read → validate -------------------------------------------------------
  const loaded = await loadBarometer(opts.data);
  if (!loaded.ok) return reportInvalid(io, loaded.problems);
  const { data, inputHashes } = loaded;
  const id = data.barometer.id;
  const dir = resolve(opts.out, id);
  const shownDir = join(opts.out, id);
  const renderCmd = `kommunebrev render --data ${opts.data} --out ${opts.out}`;

  const read = await readManifestFile(dir);
  if (!read.ok) {
    throw new UsageError(
      read.reason === 'missing'
        ? `Der er ingen skrevne breve i ${shownDir}. Kør først »${renderCmd}«, og se forhåndsvisningen igennem.`
        : `${read.message} Kør »${renderCmd}« igen.`,
    );
  }
  const manifest = read.manifest;

  // Example data only to this machine; checked before any connection.
  if (settings && !settings.loopback && (data.barometer.eksempeldata || manifest.barometer.eksempeldata)) {
    throw new UsageError(
      `Data er eksempeldata (»eksempeldata«: true i barometer.json) og må kun sendes til en mailserver på denne maskine ` +
        `(fx SMTP_URL=smtp://127.0.0.1:2525), ikke til ${settings.display}. Intet er sendt.`,
    );
  }
  if (!rate && data.barometer.sendeHastighed) rate = parseRate(data.barometer.sendeHastighed);

  let kommunekode: string | undefined;
  if (opts.kommune !== undefined) {
    const k = findKommune(data.kommuner, opts.kommune);
    if (!k) {
      throw new UsageError(`Kommunen »${opts.kommune}« findes ikke i kommuner.csv. Angiv en kommunekode (fx 173) eller et navn (fx Lyngby-Taarbæk).`);
    }
    if (!manifest.letters.some((l) => l.kommunekode === k.kode)) {
      throw new UsageError(`Der er intet brev til ${k.navn} i ${shownDir} (kommunen har ingen sager, eller render er ikke kørt for den).`);
    }
    kommunekode = k.kode;
  }
  const scope = manifest.letters.filter((l) => kommunekode === undefined || l.kommunekode === kommunekode);

  // --- each letter must be exactly what the data gives ----------------------
  // A stale or damaged letter is refused by name and the others go; only a
  // problem of the whole folder stops everything (exit 2).
  const files = new Map<string, LetterFiles>();
  let refused: string[] = [];
  let sendable = scope;
  if (!opts.markSent) {
    for (const letter of scope) files.set(letter.kommunekode, await readLetterFiles(dir, letter));
    const check = checkRender({
      manifest,
      barometerId: id,
      current: { data, inputHashes },
      requireAll: kommunekode === undefined,
      letters: scope.map((letter) => ({ letter, files: files.get(letter.kommunekode) ?? {} })),
    });
    if (check.global.length > 0) {
      io.err(formatProblems(check.global));
      throw new UsageError(`Brevene i ${shownDir} kan ikke sendes. Kør »${renderCmd}« igen, se forhåndsvisningen igennem, og send derefter. Intet er sendt.`);
    }
    refused = [...scope.filter((l) => check.refused.has(l.kommunekode)).map((l) => l.kommunekode), ...check.missing.map((m) => m.kommunekode)];
    sendable = scope.filter((l) => !check.refused.has(l.kommunekode));
    if (refused.length > 0) {
      io.err(`Sendes ikke, fordi brevet ikke passer med data, skabeloner eller filer (${refused.length}):`);
      for (const p of [...[...check.refused.values()].flat(), ...check.missing.map((m) => m.problem)]) io.err(`  ${formatProblem(p)}`);
      io.err(
        `Skriv ${refused.length === 1 ? 'brevet' : 'dem'} igen med »${renderCmd}${refused.length === 1 ? ` --kommune ${refused[0] ?? ''}` : ''}«, ` +
          `se forhåndsvisningen igennem, og send derefter.${sendable.length > 0 ? ' De øvrige breve sendes.' : ''}`,
      );
    }
  }

  // --- lock and journal ------------------------------------------------------
  let lock: Lock;
  try {
    lock = await acquireLock(dir);
  } catch (err) {
    if (err instanceof LockHeldError) throw new UsageError(err.message);
    throw err;
  }
  try {
    if (lock.tookOverFrom) {
      io.err(`Bemærk: en tidligere afsendelse (pid ${lock.tookOverFrom.pid}) blev afbrudt uden at rydde op; dens lås er fjernet. Sendejournalen fortæller, hvor den nåede til.`);
    }
    let journal: OpenJournal;
    try {
      journal = await openJournal(dir);
    } catch (err) {
      if (err instanceof JournalDamagedError) {
        io.err(`kommunebrev: ${err.message}`);
        return EXIT_INVALID;
      }
      throw err;
    }
    try {
      if (journal.tornSavedTo) {
        io.err(`Bemærk: sendejournalens sidste linje var ufuldstændig (skrivningen blev afbrudt) og er fjernet; en kopi ligger i ${journal.tornSavedTo}.`);
      }
      const status = foldJournal(journal.entries);
      if (opts.markSent) {
        if (kommunekode === undefined) throw new Error('unreachable');
        return await markSent(io, dir, journal, manifest, status, kommunekode);
      }
      if (!settings) throw new Error('unreachable');
      // Envelope recipients come from the validated kommuner.csv (checked above to equal the manifest and the To header).
      const recipients = new Map(data.kommuner.map((k) => [k.kode, k.email]));
      const run = new SendRun(io, opts, manifest, dir, journal, lock, settings, rate, retry, timeouts, files, recipients, data.barometer.email.fra.adresse);
      const code = await run.start(sendable, status, kommunekode);
      // A letter refused as stale is a letter not sent: exit 1 (README, exit codes).
      return refused.length > 0 && code === EXIT_OK ? EXIT_INVALID : code;
    } finally {
      await journal.close();
    }
  } finally {
    await lock.release();
  }
}

async function markSent(io: Io, dir: string, journal: OpenJournal, manifest: Manifest, status: SendStatusMap, kode: string): Promise<number> {
  const letter = manifest.letters.find((l) => l.kommunekode === kode);
  const s = status.get(kode);
  if (!letter) throw new UsageError(`Der er intet brev til kommune ${kode}.`);
  if (s?.state !== 'uafklaret') {
    const what = s ? (s.state === 'sent' ? 'allerede sendt' : 'fejlet (ikke modtaget af mailserveren)') : 'ikke sendt';
    throw new UsageError(`--mark-sent er kun til uafklarede breve; brevet til ${letter.navn} er ${what}.`);
  }
  const run = `${Date.now().toString(36)}-${process.pid}`;
  await journal.append({ v: JOURNAL_VERSION, at: new Date().toISOString(), run, type: 'marked-sent', kommunekode: kode, messageId: s.messageId ?? letter.email.messageId });
  io.out(`Brevet til ${who(letter)} er registreret som modtaget i sendejournalen (det er ikke sendt igen).`);
  await refreshPreview(io, dir, manifest);
  return EXIT_OK;
}

type LetterOutcome =
  | { kind: 'sent' }
  | { kind: 'failed' }
  | { kind: 'uafklaret' }
  | { kind: 'stopped' }
  | { kind: 'session'; fatal: boolean; info: SmtpErrorInfo };

class SendRun {
  private readonly runId = `${new Date().toISOString().replace(/[-:.]/g, '').slice(0, 15)}-${process.pid}`;
  private readonly stopController = new AbortController();
  private client: SmtpClient | undefined;
  private lastStart: number | undefined;
  private sigints = 0;
  private readonly thisRun = { sent: 0, failed: 0, uafklaret: 0 };

  constructor(
    private readonly io: Io,
    private readonly opts: SendOptions,
    private readonly manifest: Manifest,
    private readonly dir: string,
    private readonly journal: OpenJournal,
    private readonly lock: Lock,
    private readonly settings: SmtpSettings,
    private readonly rate: Rate | undefined,
    private readonly retry: RetryPolicy,
    private readonly timeouts: typeof DEFAULT_TIMEOUTS,
    private readonly files: ReadonlyMap<string, LetterFiles>,
    private readonly recipients: ReadonlyMap<string, string>,
    /** MAIL FROM: the sender address in barometer.json. */
    private readonly from: string,
  ) {}

  /** A line on stderr that does not end up glued to the progress bar on a terminal. */
  private note(text: string): void {
    this.io.err(this.io.errIsTTY ? `\r\x1b[2K${text}` : text);
  }

  private get stopping(): boolean {
    return this.stopController.signal.aborted;
  }

  private entry<T extends JournalEntry['type']>(type: T): { v: typeof JOURNAL_VERSION; at: string; run: string; type: T } {
    return { v: JOURNAL_VERSION, at: new Date().toISOString(), run: this.runId, type };
  }

  async start(scope: readonly ManifestLetter[], status: SendStatusMap, kommunekode: string | undefined): Promise<number> {
    const io = this.io;
    const plan = planSend(scope, status, { kommunekode, resend: Boolean(this.opts.resend) });

    if (plan.alreadySent.length > 0) {
      io.out(
        kommunekode !== undefined
          ? `Brevet til ${who(plan.alreadySent[0] as ManifestLetter)} er allerede sendt (${status.get(kommunekode)?.at ?? ''}). Brug --resend for at sende det igen med vilje.`
          : `${countText(plan.alreadySent.length, 'brev er', 'breve er')} allerede sendt og springes over.`,
      );
    }
    const shaAtIntent = lastIntentSha(this.journal.entries);
    const otherVersion = plan.alreadySent.filter((l) => shaAtIntent.has(l.kommunekode) && shaAtIntent.get(l.kommunekode) !== l.eml.sha256);
    if (otherVersion.length > 0) {
      io.err(
        `Bemærk: ${countText(otherVersion.length, 'kommune', 'kommuner')} fik en tidligere udgave af brevet, før render blev kørt igen ` +
          `(${listSome(otherVersion.map((l) => l.kommunekode))}). De får ikke den nye udgave automatisk; brug --kommune X --resend, hvis de skal.`,
      );
    }
    if (plan.uafklaret.length > 0) {
      io.err(
        `${countText(plan.uafklaret.length, 'brev er', 'breve er')} uafklaret og sendes ikke igen automatisk ` +
          `(${listSome(plan.uafklaret.map((l) => `${l.kommunekode} ${l.navn}`))}); se oversigten til sidst.`,
      );
    }

    if (plan.toSend.length === 0) {
      io.out('Intet at sende.');
      return this.finish(scope, plan.toSend, false);
    }

    // --- confirm -------------------------------------------------------------
    const addresses = new Set(plan.toSend.map((p) => p.letter.recipient.toLowerCase()));
    const retrying = plan.toSend.filter((p) => p.before === 'failed').length;
    const resends = plan.toSend.filter((p) => p.resend).length;
    io.out(
      `Klar til at sende ${countText(plan.toSend.length, 'brev', 'breve')} til ${countText(addresses.size, 'adresse', 'adresser')} ` +
        `(${this.manifest.barometer.titel}${this.manifest.barometer.eksempeldata ? ', eksempeldata' : ''}).`,
    );
    io.out(`  Mailserver: ${this.settings.display}${this.settings.auth ? ', med login' : ''}`);
    io.out(`  Afsender: ${this.manifest.letters[0]?.email.from ?? ''}`);
    if (plan.toSend.length === 1 && plan.toSend[0]) io.out(`  Modtager: ${who(plan.toSend[0].letter)}`);
    if (retrying > 0) io.out(`  Heraf ${countText(retrying, 'brev', 'breve')}, som fejlede sidst.`);
    if (resends > 0) io.out(`  Sendes igen med vilje (--resend): kommunen kan have fået brevet i forvejen.`);
    if (this.rate) io.out(`  Hastighed: højst ${this.rate.text}.`);
    if (!this.opts.yes) {
      if (!io.interactive) {
        throw new UsageError('send skal bekræftes, men der er ingen terminal at spørge i. Tilføj --yes (fx i scripts), når du har set forhåndsvisningen igennem. Intet er sendt.');
      }
      const what = plan.toSend.length === 1 ? 'brevet' : `de ${plan.toSend.length} breve`;
      const answer = (await io.ask(`Send ${what} nu? Skriv »ja« for at sende: `)).trim().toLowerCase();
      if (!YES.has(answer)) {
        io.out('Afbrudt. Intet er sendt.');
        return EXIT_INVALID;
      }
    }

    // --- send ----------------------------------------------------------------
    let target: Target;
    try {
      target = await resolveTarget(this.settings);
    } catch (err) {
      throw new UsageError(`Mailserveren ${this.settings.display} kan ikke bruges: ${(err as Error).message}`);
    }
    this.client = new SmtpClient(this.settings, target, { timeouts: this.timeouts, maxMessages: 100 });
    const onSignal = (): void => this.onSignal();
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
    let sessionProblem: Extract<LetterOutcome, { kind: 'session' }> | undefined;
    try {
      await this.journal.append({
        ...this.entry('run'),
        pid: process.pid,
        server: this.settings.display,
        barometer: this.manifest.barometer.id,
        plan: plan.toSend.map((p) => p.letter.kommunekode),
      });
      const tick = progress(io, 'Sender breve', plan.toSend.length);
      tick(0);
      for (const [i, p] of plan.toSend.entries()) {
        if (this.stopping) break;
        const outcome = await this.deliver(p);
        if (outcome.kind === 'session') {
          sessionProblem = outcome;
          break;
        }
        if (outcome.kind === 'stopped') break;
        tick(i + 1, p.letter.navn);
      }
      await this.journal.append({ ...this.entry('run-end'), ...this.thisRun, interrupted: this.stopping });
    } finally {
      await this.client.close().catch(() => undefined);
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    }

    if (sessionProblem) {
      const text = describeSession(sessionProblem.info);
      io.err(`kommunebrev: ${sessionProblem.fatal ? 'Mailserveren kan ikke bruges' : 'Mailserveren kunne ikke nås'} (${this.settings.display}): ${text}`);
      if (sessionProblem.info.code === 'ETLS') {
        io.err('Brevene sendes kun krypteret (TLS eller STARTTLS), når mailserveren ikke er på denne maskine. Intet er sendt over en ukrypteret forbindelse.');
      }
    }
    if (this.stopping) io.err('Afsendelsen blev stoppet (Ctrl-C). Kør send igen for at fortsætte, hvor den slap.');
    const code = await this.finish(scope, plan.toSend, true);
    if (sessionProblem?.fatal) return EXIT_USAGE;
    return code;
  }

  private onSignal(): void {
    this.sigints++;
    if (this.sigints === 1) {
      this.stopController.abort();
      this.note('Stopper efter det brev, der sendes nu. Tryk Ctrl-C igen for at stoppe med det samme (brevet, der sendes nu, bliver så uafklaret).');
      return;
    }
    this.client?.drop();
    this.lock.releaseSync();
    this.io.err('Stoppet med det samme. Se »kommunebrev status«.');
    process.exit(130);
  }

  /** Connects (or reuses the connection), retrying network trouble with backoff. */
  private async connect(): Promise<LetterOutcome | undefined> {
    const client = this.client as SmtpClient;
    for (let attempt = 1; ; attempt++) {
      try {
        await client.open();
        return undefined;
      } catch (err) {
        if (!(err instanceof SessionError)) throw err;
        const fatal = classifySessionError(err.info) === 'fatal';
        if (fatal || attempt >= this.retry.maxAttempts || this.stopping) return { kind: 'session', fatal, info: err.info };
        const delay = retryDelayMs(attempt + 1, this.retry);
        this.note(`Kunne ikke forbinde til mailserveren (${describeSession(err.info)}); prøver igen om ${seconds(delay)}.`);
        await sleep(delay, this.stopController.signal);
        if (this.stopping) return { kind: 'stopped' };
      }
    }
  }

  private async deliver(p: PlannedLetter): Promise<LetterOutcome> {
    const { letter } = p;
    const eml = this.files.get(letter.kommunekode)?.eml;
    if (!eml) throw new Error(`letter bytes missing for ${letter.kommunekode}`);
    const bytes = Buffer.from(eml);
    const to = this.recipients.get(letter.kommunekode);
    if (!to) throw new Error(`recipient missing for ${letter.kommunekode}`);
    for (let attempt = 1; ; attempt++) {
      const notConnected = await this.connect();
      if (notConnected) return notConnected;
      await sleep(rateDelayMs(this.lastStart, Date.now(), this.rate), this.stopController.signal);
      if (this.stopping) {
        // Nothing of this attempt has started; an earlier attempt's failure is in the journal.
        if (attempt > 1) this.thisRun.failed++;
        return { kind: 'stopped' };
      }

      await this.journal.append({
        ...this.entry('intent'),
        kommunekode: letter.kommunekode,
        attempt,
        recipient: to,
        messageId: letter.email.messageId,
        emlFile: letter.eml.file,
        emlSha256: letter.eml.sha256,
        resend: p.resend,
      });
      this.lastStart = Date.now();
      const result = await (this.client as SmtpClient).send({ from: this.from, to }, bytes);

      if (result.ok) {
        await this.journal.append({
          ...this.entry('sent'),
          kommunekode: letter.kommunekode,
          attempt,
          messageId: letter.email.messageId,
          response: clip(result.response),
        });
        this.thisRun.sent++;
        return { kind: 'sent' };
      }

      const cls = classifySmtpError(result.error, result.progress);
      const text = clip(describeSmtpError(result.error, cls, result.progress));
      const code = result.error.responseCode !== undefined && result.error.responseCode >= 400 ? result.error.responseCode : undefined;
      const withCode = <T extends object>(o: T): T & { code?: number } => (code !== undefined ? { ...o, code } : o);
      if (cls === 'uafklaret') {
        await this.journal.append(withCode({ ...this.entry('uafklaret'), kommunekode: letter.kommunekode, attempt, response: text }));
        this.thisRun.uafklaret++;
        this.note(`${who(letter)}: uafklaret: ${text}`);
        return { kind: 'uafklaret' };
      }
      const temporary = cls === 'temporary';
      await this.journal.append(withCode({ ...this.entry('failed'), kommunekode: letter.kommunekode, attempt, temporary, response: text }));
      if (!temporary || attempt >= this.retry.maxAttempts || this.stopping) {
        this.thisRun.failed++;
        this.note(`${who(letter)}: fejlet: ${text}${temporary ? ` (opgivet efter ${countText(attempt, 'forsøg', 'forsøg')}; kør send igen senere)` : ''}`);
        return { kind: 'failed' };
      }
      const delay = retryDelayMs(attempt + 1, this.retry);
      this.note(`${who(letter)}: ${text}; prøver igen om ${seconds(delay)} (forsøg ${attempt + 1} af ${this.retry.maxAttempts}).`);
      await sleep(delay, this.stopController.signal);
      if (this.stopping) {
        this.thisRun.failed++;
        return { kind: 'stopped' };
      }
    }
  }

  /** Summary of the whole scope (not only this run), preview refresh, exit code. */
  private async finish(scope: readonly ManifestLetter[], attempted: readonly PlannedLetter[], ran: boolean): Promise<number> {
    const io = this.io;
    const status = foldJournal(await this.reloadEntries());
    if (ran) {
      io.out(
        `Denne kørsel: ${countText(this.thisRun.sent, 'brev', 'breve')} sendt, ${this.thisRun.failed} fejlet, ${this.thisRun.uafklaret} uafklaret` +
          `${attempted.length > this.thisRun.sent + this.thisRun.failed + this.thisRun.uafklaret ? `, ${attempted.length - this.thisRun.sent - this.thisRun.failed - this.thisRun.uafklaret} ikke forsøgt` : ''}.`,
      );
    }
    const failed = scope.filter((l) => status.get(l.kommunekode)?.state === 'failed');
    const uafklaret = scope.filter((l) => status.get(l.kommunekode)?.state === 'uafklaret');
    const notSent = scope.filter((l) => status.get(l.kommunekode) === undefined);
    if (failed.length > 0) {
      io.out(`Fejlet (${failed.length}); mailserveren tog ikke imod ${failed.length === 1 ? 'brevet' : 'dem'}, så ${failed.length === 1 ? 'det' : 'de'} forsøges igen ved næste »send«:`);
      for (const l of failed) io.out(`  ${who(l)}: ${status.get(l.kommunekode)?.response ?? ''}`);
      if (failed.some((l) => (status.get(l.kommunekode)?.code ?? 0) >= 500)) {
        io.out('  Ved permanent afvisning (5xx): kontrollér adressen i kommuner.csv; er den forkert, så ret den, kør render igen, se forhåndsvisningen, og send.');
      }
    }
    if (uafklaret.length > 0) {
      io.out(`Uafklaret (${uafklaret.length}), sendes ikke igen automatisk:`);
      for (const l of uafklaret) io.out(`  ${who(l)}: Message-ID <${status.get(l.kommunekode)?.messageId ?? l.email.messageId}>: ${status.get(l.kommunekode)?.response ?? ''}`);
      const [u] = uafklaret;
      if (u) io.out(`  Hvad nu: ${uafklaretAdvice(u.kommunekode, this.opts.data, this.opts.out)}`);
    }
    if (notSent.length > 0 && ran) io.out(`Ikke sendt (${notSent.length}): ${listSome(notSent.map((l) => `${l.kommunekode} ${l.navn}`))}. Kør send igen for at fortsætte.`);
    io.out(`Status${this.opts.kommune !== undefined ? ` for ${scope.map((l) => l.navn).join(', ')}` : ''}: ${totalsText(totals(scope, status))}. Se »kommunebrev status --out ${this.opts.out}«.`);
    await refreshPreview(io, this.dir, this.manifest);
    const allSent = scope.every((l) => status.get(l.kommunekode)?.state === 'sent');
    return allSent ? EXIT_OK : EXIT_INVALID;
  }

  private async reloadEntries(): Promise<JournalEntry[]> {
    return (await readJournal(this.dir)).entries;
  }
}

function describeSession(info: SmtpErrorInfo): string {
  if (info.code === 'EAUTH' || info.code === 'ENOAUTH') return `login afvist (${info.response ?? info.message}); kontrollér SMTP_USER og SMTP_PASS`;
  if (info.code === 'ETLS') return `krypteret forbindelse (TLS/STARTTLS) mislykkedes: ${info.message}`;
  if (info.code === 'EDNS') return `værtsnavnet kan ikke slås op: ${info.message}`;
  return `${info.code ?? 'fejl'}: ${info.message}`;
}
