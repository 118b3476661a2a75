// kommunebrev send: read → validate → lock → journal → plan → check the
// letters about to go → confirm → send (journal around every attempt) →
// summary.
//
// Exactly once: an intent line is fsynced before each SMTP transaction and
// an outcome line after it. A re-run skips what was sent (also when a newer
// version of it was rendered since: that goes only with --kommune X
// --resend), and does not resend what is uafklaret unless asked to.
import { join, resolve } from 'node:path';
import { readLetterFiles, readManifestFile } from '../adapters/letters/read-output.js';
import { settleOutputFolder } from '../adapters/letters/render-swap.js';
import {
  acquireLock,
  JournalDamagedError,
  LockHeldError,
  openJournal,
  readJournal,
  type Lock,
  type OpenJournal,
} from '../adapters/send/send-journal.js';
import { DEFAULT_TIMEOUTS, resolveSmtpHost, type TransportTimeouts } from '../adapters/send/smtp-transport.js';
import { composeLetters } from '../core/letters/compose-letter.js';
import { findKommune, unknownKommuneMessage } from '../core/letters/find-kommune.js';
import { assessFreshness } from '../core/letters/freshness.js';
import type { Manifest, ManifestLetter } from '../core/letters/manifest.js';
import type { ValidatedData } from '../core/types.js';
import { foldRecord, type JournalRecord } from '../core/send/journal-fold.js';
import { JOURNAL_FILE } from '../core/send/journal.js';
import { parseRate, type Rate } from '../core/send/pacing.js';
import { checkRender, type LetterFiles } from '../core/send/send-check.js';
import { planSend } from '../core/send/send-plan.js';
import { parseSendTunables, type SendTunables } from '../core/send/send-settings.js';
import { confirmation, missingCopies, planNotes } from '../core/send/send-summary.js';
import { parseSmtpSettings, type SmtpSettings } from '../core/send/smtp-settings.js';
import { isEmailAddress } from '../core/send/test-send.js';
import { listSome } from '../core/danish.js';
import { formatProblem, formatProblems } from '../core/problems.js';
import { EXIT_INVALID, EXIT_OK, reportInvalid, UsageError, type Io } from './io.js';
import { loadBarometer, type LoadResult } from './load.js';
import { letterJob, newRunId, rebuiltCopy, copyJob, testJob } from './send-jobs.js';
import { SendRun, type Job } from './send-run.js';
import { markSent } from './send-mark-sent.js';

export interface SendOptions {
  data: string;
  out: string;
  kommune?: string | undefined;
  resend?: boolean | undefined;
  yes?: boolean | undefined;
  rate?: string | undefined;
  markSent?: boolean | undefined;
  /** send --test ADRESSE: the chosen letters to this address only. */
  test?: string | undefined;
}

function checkUsage(opts: SendOptions): void {
  if (opts.resend && opts.kommune === undefined) {
    throw new UsageError(
      '--resend kræver --kommune: der sendes kun én kommune igen ad gangen (fx --kommune 173 --resend).',
    );
  }
  if (opts.markSent && opts.kommune === undefined)
    throw new UsageError('--mark-sent kræver --kommune (fx --kommune 173 --mark-sent).');
  if (opts.markSent && opts.resend) throw new UsageError('--mark-sent og --resend kan ikke bruges sammen.');
  if (opts.test !== undefined) {
    if (opts.resend || opts.markSent)
      throw new UsageError(
        '--test kan ikke bruges sammen med --resend eller --mark-sent: en test sender kun til testadressen.',
      );
    if (!isEmailAddress(opts.test))
      throw new UsageError(`--test skal have en e-mailadresse (fx --test dig@ankestyrelsen.dk), ikke »${opts.test}«.`);
  }
}

export async function runSend(opts: SendOptions, io: Io, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  // --- usage, before reading anything ---------------------------------------
  checkUsage(opts);
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
  const tunables = parseSendTunables(env);
  if (!tunables.ok) throw new UsageError(tunables.message);
  const timeouts = { ...DEFAULT_TIMEOUTS, socketMs: tunables.tunables.socketTimeoutMs ?? DEFAULT_TIMEOUTS.socketMs };

  // --- read → validate -------------------------------------------------------
  const loaded = await loadBarometer(opts.data);
  if (!loaded.ok) return reportInvalid(io, loaded.problems);
  const { data } = loaded;
  const id = data.barometer.id;
  const dir = resolve(opts.out, id);
  const shownDir = join(opts.out, id);
  const renderCmd = `kommunebrev render --data ${opts.data} --out ${opts.out}`;

  // A render killed in this folder is finished (or discarded) first; while one runs, nothing is sent.
  const settled = await settleOutputFolder(dir);
  if (settled.state === 'rendering') {
    throw new UsageError(
      `En render (pid ${settled.holder.pid}) skriver brevene i ${shownDir} om lige nu. Vent, til den er færdig, se forhåndsvisningen igennem, og send derefter. Intet er sendt.`,
    );
  }
  for (const note of settled.notes) io.err(note);
  const read = await readManifestFile(dir);
  if (!read.ok) {
    throw new UsageError(
      read.reason === 'missing'
        ? `Der er ingen skrevne breve i ${shownDir}. Kør først »${renderCmd}«, og se forhåndsvisningen igennem.`
        : `${read.message} Kør »${renderCmd}« igen.`,
    );
  }
  const manifest = read.manifest;

  // "This machine" is the address connected to, never a name: resolve once
  // here; the connection goes to that very address.
  const eksempeldata = data.barometer.eksempeldata || manifest.barometer.eksempeldata;
  if (settings) {
    try {
      settings = await resolveSmtpHost(settings);
    } catch (err) {
      // Unresolved is not this machine: example data is refused below.
      if (!eksempeldata) {
        throw new UsageError(
          `Mailserveren ${settings.display} kan ikke slås op (${(err as NodeJS.ErrnoException).code ?? 'DNS'}). Kontrollér SMTP_URL. Intet er sendt.`,
        );
      }
    }
  }
  // Example data only to this machine (also a test send); checked before any connection.
  if (settings && !settings.loopback && eksempeldata) {
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
      throw new UsageError(unknownKommuneMessage(data.kommuner, opts.kommune));
    }
    if (!manifest.letters.some((l) => l.kommunekode === k.kode)) {
      throw new UsageError(
        `Der er intet brev til ${k.navn} i ${shownDir} (kommunen har ingen sager, eller render er ikke kørt for den).`,
      );
    }
    kommunekode = k.kode;
  }
  const scope = manifest.letters.filter((l) => kommunekode === undefined || l.kommunekode === kommunekode);

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
      io.err(
        `Bemærk: en tidligere afsendelse (pid ${lock.tookOverFrom.pid}) blev afbrudt uden at rydde op; dens lås er fjernet. Sendejournalen fortæller, hvor den nåede til.`,
      );
    }
    // Read first, write later: a send that is refused leaves no journal behind.
    const existing = await readJournal(dir);
    if (existing.damaged.length > 0) {
      io.err(`kommunebrev: ${new JournalDamagedError(join(dir, JOURNAL_FILE), existing.damaged).message}`);
      return EXIT_INVALID;
    }
    const record = foldRecord(existing.entries);
    return await sendLocked({
      opts,
      io,
      data,
      loaded,
      manifest,
      dir,
      shownDir,
      renderCmd,
      settings,
      rate,
      tunables: tunables.tunables,
      timeouts,
      kommunekode,
      scope,
      lock,
      record,
    });
  } finally {
    await lock.release();
  }
}

/** Opens the journal for appending (the lock is held), runs `use`, closes it. */
async function withJournal(io: Io, dir: string, use: (journal: OpenJournal) => Promise<number>): Promise<number> {
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
      io.err(
        `Bemærk: sendejournalens sidste linje var ufuldstændig (skrivningen blev afbrudt) og er fjernet; en kopi ligger i ${journal.tornSavedTo}.`,
      );
    }
    return await use(journal);
  } finally {
    await journal.close();
  }
}

interface SendContext {
  opts: SendOptions;
  io: Io;
  data: ValidatedData;
  loaded: Extract<LoadResult, { ok: true }>;
  manifest: Manifest;
  dir: string;
  shownDir: string;
  renderCmd: string;
  settings: SmtpSettings | undefined;
  rate: Rate | undefined;
  tunables: SendTunables;
  timeouts: TransportTimeouts;
  kommunekode: string | undefined;
  scope: ManifestLetter[];
  lock: Lock;
  /** What the journal says before this run. */
  record: JournalRecord;
}

/** With the lock held: plan → check the letters about to go → jobs → confirm → run. */
async function sendLocked(c: SendContext): Promise<number> {
  const {
    opts,
    io,
    data,
    loaded,
    manifest,
    dir,
    shownDir,
    renderCmd,
    settings,
    rate,
    tunables,
    timeouts,
    kommunekode,
    scope,
    lock,
    record,
  } = c;
  const id = data.barometer.id;
  const args = { data: opts.data, out: opts.out };
  // A test send gets no archive copy: it is not a letter to a kommune.
  const arkivkopi = opts.test === undefined ? data.barometer.arkivkopi : undefined;
  if (opts.markSent) {
    if (kommunekode === undefined) throw new Error('unreachable');
    return await withJournal(io, dir, (journal) =>
      markSent(io, dir, journal, manifest, record, kommunekode, data.barometer.arkivkopi),
    );
  }
  if (!settings) throw new Error('unreachable');
  const runId = newRunId();

  // --- what goes: plan, then the render check of exactly those letters ---
  // Envelope recipients come from the validated kommuner.csv (checked below to equal the manifest and the To header).
  const recipients = new Map(data.kommuner.map((k) => [k.kode, k.email]));
  let planned: { letter: ManifestLetter; resend: boolean; retry: boolean }[] = [];
  if (opts.test !== undefined) {
    for (const letter of scope) planned.push({ letter, resend: false, retry: false });
  } else {
    const plan = planSend(scope, record.status, { kommunekode, resend: Boolean(opts.resend) });
    const notes = planNotes(plan, kommunekode, args, record);
    for (const line of notes.out) io.out(line);
    for (const line of notes.err) io.err(line);
    for (const p of plan.toSend) planned.push({ letter: p.letter, resend: p.resend, retry: p.before === 'failed' });
    // A delivered letter whose data changed since render is not refused (it is not sent), but named,
    // so a correction that was not rendered yet is not forgotten.
    const freshness = assessFreshness(manifest, { data, inputHashes: loaded.inputHashes });
    const staleSent = plan.alreadySent.filter((l) => freshness.letters.get(l.kommunekode)?.state === 'stale');
    if (staleSent.length > 0) {
      io.err(
        `Bemærk: data er ændret, efter at ${staleSent.length === 1 ? 'dette brev' : 'disse breve'} blev sendt (${listSome(staleSent.map((l) => `${l.kommunekode} ${l.navn}`))}). ` +
          `Skal kommunen have en ny udgave: »${renderCmd} --kommune X«, se forhåndsvisningen, og »kommunebrev send --data ${opts.data} --out ${opts.out} --kommune X --resend«.`,
      );
    }
  }
  const pendingCopies = missingCopies(scope, record, arkivkopi).filter(
    (c) => c.delivery.arkivkopi?.state !== 'uafklaret',
  );
  const checked = [...new Set([...planned.map((p) => p.letter), ...pendingCopies.map((c) => c.letter)])];
  const files = new Map<string, LetterFiles>();
  for (const letter of checked) files.set(letter.kommunekode, await readLetterFiles(dir, letter));
  // Each letter about to go is judged on its own (freshness, files, To header): a stale or
  // damaged one is refused by name and the others go; only a problem of the whole folder stops all.
  const check = checkRender({
    manifest,
    barometerId: id,
    current: { data, inputHashes: loaded.inputHashes },
    requireAll: kommunekode === undefined && opts.test === undefined,
    letters: planned.map(({ letter }) => ({ letter, files: files.get(letter.kommunekode) ?? {} })),
  });
  if (check.global.length > 0) {
    io.err(formatProblems(check.global));
    throw new UsageError(
      `Brevene i ${shownDir} kan ikke sendes. Kør »${renderCmd}« igen, se forhåndsvisningen igennem, og send derefter. Intet er sendt.`,
    );
  }
  const refused = [
    ...planned.filter((p) => check.refused.has(p.letter.kommunekode)).map((p) => p.letter.kommunekode),
    ...check.missing.map((m) => m.kommunekode),
  ];
  planned = planned.filter((p) => !check.refused.has(p.letter.kommunekode));
  if (refused.length > 0) {
    io.err(`Sendes ikke, fordi brevet ikke passer med data, skabeloner eller filer (${refused.length}):`);
    for (const p of [...[...check.refused.values()].flat(), ...check.missing.map((m) => m.problem)])
      io.err(`  ${formatProblem(p)}`);
    io.err(
      `Skriv ${refused.length === 1 ? 'brevet' : 'dem'} igen med »${renderCmd}${refused.length === 1 ? ` --kommune ${refused[0] ?? ''}` : ''}«, ` +
        `se forhåndsvisningen igennem, og send derefter.${planned.length > 0 ? ' De øvrige breve sendes.' : ''}`,
    );
  }
  // A letter refused as stale is a letter not sent: exit 1 (README, exit codes).
  const exit = (code: number): number => (refused.length > 0 && code === EXIT_OK ? EXIT_INVALID : code);

  // --- the jobs -------------------------------------------------------------
  const jobs: Job[] = [];
  const models =
    opts.test !== undefined
      ? new Map(composeLetters(data, loaded.templates).map((m) => [m.kommune.kode, m]))
      : undefined;
  for (const { letter, resend } of planned) {
    const f = files.get(letter.kommunekode);
    const to = recipients.get(letter.kommunekode);
    if (!f?.eml || !f.pdf || !to) throw new Error(`letter files or recipient missing for ${letter.kommunekode}`);
    if (opts.test !== undefined) {
      const model = models?.get(letter.kommunekode);
      if (!model) throw new Error(`no letter model for ${letter.kommunekode}`);
      jobs.push(testJob(letter, model, Buffer.from(f.pdf), opts.test, runId));
    } else {
      jobs.push(letterJob(letter, Buffer.from(f.eml), to, resend, runId, arkivkopi));
    }
  }
  for (const { letter, delivery } of pendingCopies) {
    const eml = files.get(letter.kommunekode)?.eml;
    const bytes = eml ? rebuiltCopy(letter, Buffer.from(eml), delivery) : undefined;
    if (!bytes || arkivkopi === undefined) {
      io.err(
        `Arkivkopien af brevet til ${letter.kommunekode} ${letter.navn} (Message-ID <${delivery.messageId}>) kan ikke dannes igen, ` +
          'fordi brevet er skrevet om siden. Arkivér den afsendte e-mail manuelt, og registrér det med ' +
          `»kommunebrev send --data ${opts.data} --out ${opts.out} --kommune ${letter.kommunekode} --mark-sent«.`,
      );
      continue;
    }
    jobs.push(copyJob(letter, arkivkopi, () => bytes));
  }

  return await withJournal(io, dir, async (journal) => {
    const sendRun = new SendRun({
      io,
      manifest,
      dir,
      journal,
      lock,
      settings,
      rate,
      retry: tunables.retry,
      timeouts,
      from: data.barometer.email.fra.adresse,
      runId,
      args,
      yes: Boolean(opts.yes),
      testAddress: opts.test,
      arkivkopi,
      journalnummer: data.barometer.journalnummer,
    });
    if (jobs.length === 0) {
      io.out('Intet at sende.');
      return exit(await sendRun.finish(scope, 0, false));
    }
    const ok = await sendRun.confirm(
      confirmation({
        manifest,
        letters: planned.map((p) => ({
          ...p,
          to: opts.test ?? recipients.get(p.letter.kommunekode) ?? p.letter.recipient,
        })),
        server: settings.display,
        login: settings.auth !== undefined,
        rate: rate?.text,
        testAddress: opts.test,
        arkivkopi,
        pendingCopies: pendingCopies.length,
      }),
    );
    if (!ok) return EXIT_INVALID;
    return exit(await sendRun.run(jobs, scope));
  });
}
