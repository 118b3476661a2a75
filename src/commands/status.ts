// kommunebrev status: per kommune, what the send journal says (ikke sendt /
// sendt / fejlet / uafklaret) and totals. Works from the out folder alone
// (manifest.json + send-journal.jsonl); takes no lock and changes nothing
// except refreshing the preview page and finishing a render that was killed
// midway (render-swap.ts). Says plainly when letter files do not match the manifest.
import { findBarometerDir, readFolderProblems, readManifestFile } from '../adapters/letters/read-output.js';
import { countText } from '../core/danish.js';
import { formatProblem } from '../core/problems.js';
import { settleOutputFolder } from '../adapters/letters/render-swap.js';
import { inspectLock, readJournal } from '../adapters/send/send-journal.js';
import { foldRecord } from '../core/send/journal-fold.js';
import { JOURNAL_FILE } from '../core/send/journal.js';
import { totals, totalsText } from '../core/send/send-report.js';
import { recordsCsv } from '../core/send/records-csv.js';
import { formatStatusTable, statusJson, statusRows } from '../core/send/status-report.js';
import { EXIT_INVALID, EXIT_OK, UsageError, type Io } from './io.js';
import { refreshPreview } from './refresh-preview.js';

export interface StatusOptions {
  out: string;
  json?: boolean;
  /** The records list: one CSV line per delivery, for the records system. */
  csv?: boolean;
}

export async function runStatus(opts: StatusOptions, io: Io): Promise<number> {
  if (opts.json && opts.csv) throw new UsageError('Vælg enten --json eller --csv.');
  const found = await findBarometerDir(opts.out);
  if (!found.ok) throw new UsageError(found.message);
  const dir = found.dir;
  // A render killed here is finished (or discarded) first, so what status reads is a whole render.
  const settled = await settleOutputFolder(dir);
  if (settled.state === 'rendering')
    io.err(
      `Bemærk: en render (pid ${settled.holder.pid}) skriver i mappen lige nu; brevene kan ændre sig, mens den kører.`,
    );
  else for (const note of settled.notes) io.err(note);
  const read = await readManifestFile(dir);
  if (!read.ok) throw new UsageError(`${read.message} Kør »kommunebrev render« igen.`);
  const manifest = read.manifest;
  const journal = await readJournal(dir);
  const { status, tests } = foldRecord(journal.entries);
  // The commands shown (resend a newer version) use the folders the last run was given.
  const lastRun = journal.entries.filter((e) => e.type === 'run').at(-1);
  const rows = statusRows(manifest, status, tests, { data: lastRun?.data, out: lastRun?.out ?? opts.out });
  const t = totals(manifest.letters, status);
  const testCount = rows.reduce((n, r) => n + r.tests.length, 0);

  if (opts.csv) io.write(recordsCsv(manifest, status));
  else if (opts.json) io.out(JSON.stringify(statusJson(manifest, rows, t), null, 2));
  else {
    io.out(formatStatusTable(manifest, rows));
    io.out('');
    io.out(`I alt: ${totalsText(t)}.`);
    if (testCount > 0) io.out(`Testafsendelser: ${testCount} (send --test; tæller ikke som sendt til kommunerne).`);
    const newer = rows.filter((r) => r.newerVersion);
    if (newer.length > 0) {
      io.out(`Nyere udgave ikke sendt (${newer.length}):`);
      for (const r of newer) io.out(`  ${r.newerVersion?.text ?? ''}`);
    }
    if (!journal.exists) io.out(`Intet er sendt endnu (der er ingen sendejournal, ${JOURNAL_FILE}).`);
    if (t.uafklaret > 0) {
      io.out(
        'Uafklaret betyder, at det ikke vides, om mailserveren modtog e-mailen. Undersøg det (mailserverens log, søg efter Message-ID), ' +
          'og brug derefter »send --kommune X --mark-sent« (den kom frem) eller »send --kommune X --resend« (den kom ikke frem).',
      );
    }
  }
  if (journal.damaged.length > 0) {
    io.err(
      `kommunebrev: Sendejournalen er beskadiget (linje ${journal.damaged.map((d) => d.line).join(', ')} kan ikke læses); status kan være ufuldstændig.`,
    );
    return EXIT_INVALID;
  }
  const lock = await inspectLock(dir);
  if (lock.kind === 'running')
    io.err(
      `Bemærk: en afsendelse kører lige nu${lock.info.pid ? ` (pid ${lock.info.pid})` : ''}; status ændrer sig, mens den kører.`,
    );
  else if (lock.kind === 'elsewhere')
    io.err(`Bemærk: en afsendelse kører måske fra en anden maskine (${lock.info.host}, pid ${lock.info.pid}).`);
  else if (lock.kind === 'stale')
    io.err(
      'Bemærk: en tidligere afsendelse blev afbrudt uden at rydde op (fx kill eller strømsvigt). Kør send igen for at fortsætte, hvor den slap.',
    );
  if (journal.torn)
    io.err('Bemærk: sendejournalens sidste linje er ufuldstændig (afbrudt skrivning) og er ikke talt med.');
  const byKode = new Set(manifest.letters.map((l) => l.kommunekode));
  const orphans = [...status.keys()].filter((k) => !byKode.has(k));
  if (orphans.length > 0)
    io.err(`Bemærk: sendejournalen nævner kommuner, som ikke har et brev i manifestet nu: ${orphans.join(', ')}.`);
  // The files must be what the manifest says (a hand-edited or lost letter,
  // or a folder written by something else than render): say so plainly.
  const folderProblems = (await readFolderProblems(dir, manifest)).map(formatProblem);
  await refreshPreview(io, dir, manifest, status, folderProblems);
  if (folderProblems.length > 0) {
    io.err(
      `Mappen er inkonsistent: ${countText(folderProblems.length, 'fil passer', 'filer passer')} ikke med manifestet (sha256), og de berørte breve sendes ikke:`,
    );
    for (const p of folderProblems) io.err(`  ${p}`);
    io.err('Kør »kommunebrev render« igen for at skrive brevene på ny, og se forhåndsvisningen igennem.');
    return EXIT_INVALID;
  }
  return EXIT_OK;
}
