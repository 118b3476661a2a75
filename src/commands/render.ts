// kommunebrev render: read → validate → assess → compose → render → write.
import { join, resolve } from 'node:path';
import { readManifestFile } from '../adapters/letters/read-output.js';
import { acquireRenderLock } from '../adapters/letters/render-lock.js';
import { planRenderThreads, renderLetters, type LetterSource } from '../adapters/letters/render-pool.js';
import { commitRender, recoverRender, startStaging } from '../adapters/letters/render-swap.js';
import { readShapingCache, writeShapingCache } from '../adapters/letters/shaping-cache.js';
import { inspectLock, readJournal } from '../adapters/send/send-journal.js';
import {
  ensureDir,
  letterFileInfo,
  writeFileAtomic,
  writeManifest,
  WritesInFlight,
} from '../adapters/letters/write-output.js';
import { writeEmailPage, writePreview } from '../adapters/preview/write-preview.js';
import { assessNationalPicture } from '../core/letters/assess.js';
import { composeLetter, planLetters } from '../core/letters/compose-letter.js';
import { findKommune, unknownKommuneMessage } from '../core/letters/find-kommune.js';
import { assessFreshness, letterInputsNow, staleKommuner, type CurrentInputs } from '../core/letters/freshness.js';
import { PREVIEW_FILE } from '../core/preview/render-preview.js';
import {
  MANIFEST_VERSION,
  manifestLetter,
  mergeLetters,
  warningsByKommune,
  type Manifest,
  type ManifestLetter,
} from '../core/letters/manifest.js';
import { contentSha256 } from '../core/send/eml-headers.js';
import { foldJournal } from '../core/send/journal-fold.js';
import { countText, formatSeconds, listSome } from '../core/danish.js';
import { formatProblem, warningsOf } from '../core/problems.js';
import { EXIT_OK, progress, reportInvalid, reportWarnings, UsageError, type Io } from './io.js';
import { loadBarometer, type LoadedBarometer } from './load.js';

export interface RenderOptions {
  data: string;
  out: string;
  kommune?: string;
}

export async function runRender(opts: RenderOptions, io: Io): Promise<number> {
  const started = performance.now();
  const loaded = await loadBarometer(opts.data);
  if (!loaded.ok) return reportInvalid(io, loaded.problems);
  return renderLoaded(loaded, opts, io, started);
}

/** render after read → validate: compose → render → write (also run by `npm run bench` on a generated barometer). */
export async function renderLoaded(
  loaded: LoadedBarometer,
  opts: RenderOptions,
  io: Io,
  started = performance.now(),
): Promise<number> {
  const { data, templates, inputHashes } = loaded;

  let plan = planLetters(data);
  if (opts.kommune !== undefined) {
    const k = findKommune(data.kommuner, opts.kommune);
    if (!k) throw new UsageError(unknownKommuneMessage(data.kommuner, opts.kommune));
    plan = plan.filter((p) => p.kommune.kode === k.kode);
    if (plan.length === 0)
      throw new UsageError(`${k.navn} har ingen sager i sager.csv, så der er intet brev at skrive.`);
  }
  // Letters are composed one at a time as they are rendered, so memory does not grow with the batch.
  const letters = {
    length: plan.length,
    at: (i: number) => plan[i] && composeLetter(data, plan[i].kommune, plan[i].cases, templates),
  };

  const dir = resolve(opts.out, data.barometer.id);
  // Rewriting letters under a running send would make it refuse midway (the
  // checksums change); say so now instead.
  const lock = await inspectLock(dir);
  if (lock.kind === 'running' || lock.kind === 'elsewhere') {
    throw new UsageError(
      `En afsendelse (kommunebrev send) kører i ${dir}. Vent til den er færdig, før brevene skrives igen.`,
    );
  }
  await ensureDir(dir);
  // One render at a time in a folder; it also finishes or discards a render
  // that was killed here before (render-swap.ts).
  const renderLock = await acquireRenderLock(dir);
  if (!renderLock.ok) {
    throw new UsageError(
      `En anden render (pid ${renderLock.holder.pid}) skriver i ${dir} lige nu. Vent, til den er færdig, og prøv igen.`,
    );
  }
  let written: ManifestLetter[];
  const notes: string[] = [];
  try {
    notes.push(...(await recoverRender(dir)));
    reportWarnings(io, loaded.problems);
    // Everything new goes to the staging folder; the folder's render is
    // untouched until commitRender swaps the whole new one in.
    const staging = await startStaging(dir);
    // The cache is the main thread's: helper threads (large batches) shape for themselves.
    if (planRenderThreads(letters.length).mainRenders) await readShapingCache(dir);
    const pagesWritten = new Set<string>();
    written = await writeLetters(io, { live: dir, staging, pages: pagesWritten }, letters, loaded);

    const withCases = new Set(data.cases.map((c) => c.kommunekode));
    let manifest: Manifest = {
      version: MANIFEST_VERSION,
      barometer: {
        id: data.barometer.id,
        titel: data.barometer.titel,
        brevdato: data.barometer.brevdato,
        eksempeldata: data.barometer.eksempeldata,
      },
      inputs: inputHashes,
      national: assessNationalPicture(data.cases, data.ruleSet),
      letters: written,
      kommunerUdenSager: data.kommuner
        .filter((k) => !withCases.has(k.kode))
        .map((k) => ({ kommunekode: k.kode, navn: k.navn, email: k.email })),
      advarsler: loaded.problems.map(formatProblem),
    };
    if (opts.kommune !== undefined) {
      // One kommune re-rendered: every other letter of the previous render
      // stays in the manifest with the fingerprint it was written from, so it
      // stays valid exactly when its own inputs are unchanged (freshness.ts).
      // An unreadable manifest counts as no previous render.
      const read = await readManifestFile(dir);
      if (read.ok) {
        manifest = { ...manifest, letters: mergeLetters(read.manifest.letters, written) };
        notes.push(...staleNotes(manifest, { data, inputHashes }));
      } else if (read.reason === 'invalid') {
        notes.push(
          `Bemærk: det tidligere manifest kunne ikke læses (${read.message}); manifestet indeholder nu kun denne kommune. Kør render uden --kommune for at skrive alle breve.`,
        );
      }
    }
    // Letters may already have been sent from this folder: keep their status on
    // the page, and remind the user that re-rendering does not re-send.
    const journal = await readJournal(dir);
    const sendStatus = journal.exists ? foldJournal(journal.entries) : undefined;
    // Both into the staging folder, so at once: their fsyncs need not wait for each other.
    await Promise.all([
      writeManifest(staging, manifest),
      writePreview(staging, manifest, sendStatus, [], { live: dir, written: pagesWritten }),
    ]);
    if (sendStatus && sendStatus.size > 0) {
      notes.push(
        `Bemærk: ${countText(sendStatus.size, 'kommune', 'kommuner')} har allerede en afsendelse i journalen. Breve, der er sendt, sendes ikke igen automatisk; se »kommunebrev status --out ${opts.out}«.`,
      );
    }
    // The shaping cache is no part of the render (it is written beside it, by a
    // rename, and never fsynced): at the same time as the swap.
    const [removed] = await Promise.all([commitRender(dir, manifest), writeShapingCache(dir)]);
    if (removed.length > 0)
      notes.push(
        `Fjernede ${countText(removed.length, 'gammel fil', 'gamle filer')}, som ikke længere hører til et brev: ${removed.join(', ')}.`,
      );
  } finally {
    await renderLock.release();
  }

  const ms = performance.now() - started;
  const sager = written.reduce((n, l) => n + l.antalSager, 0);
  const warnings = warningsOf(loaded.problems).length;
  for (const note of notes) io.err(note);
  io.out(
    `Skrev ${countText(written.length, 'brev', 'breve')} (${countText(sager, 'sag', 'sager')}) som PDF og e-mail til ${join(opts.out, data.barometer.id)} på ${formatSeconds(ms)}; ${countText(warnings, 'advarsel', 'advarsler')}.`,
  );
  io.out(`Manifest: ${join(opts.out, data.barometer.id, 'manifest.json')}. Intet er sendt.`);
  io.out(
    `Forhåndsvisning: ${join(opts.out, data.barometer.id, PREVIEW_FILE)} (åbn den i en browser, eller kør »kommunebrev preview --out ${opts.out}«).`,
  );
  return EXIT_OK;
}

/**
 * Renders the letters and writes each one's PDF, .eml and email page into
 * the staging folder (`live` is the barometer folder); adds each page's file
 * name to `pages`.
 */
async function writeLetters(
  io: Io,
  { live, staging, pages }: { live: string; staging: string; pages: Set<string> },
  letters: LetterSource,
  loaded: LoadedBarometer,
): Promise<ManifestLetter[]> {
  const { data, inputHashes } = loaded;
  const caseRows = new Map(data.cases.map((c) => [c.row, c.kommunekode]));
  const kommuneRows = new Map(data.kommuner.map((k) => [k.row, k.kode]));
  const warningsFor = warningsByKommune(loaded.problems, caseRows, kommuneRows);
  const inputsNow = letterInputsNow({ data, inputHashes });
  const tick = progress(io, 'Skriver breve', letters.length);
  tick(0);
  const written: ManifestLetter[] = new Array<ManifestLetter>(letters.length);
  const writes = new WritesInFlight(LETTERS_WRITTEN_AT_ONCE);
  let done = 0;
  await renderLetters(letters, async ({ model, pdf, eml }, i) => {
    const pdfFile = letterFileInfo(`${model.filBase}.pdf`, pdf);
    const emlFile = letterFileInfo(`${model.filBase}.eml`, eml);
    const advarsler = (warningsFor.get(model.kommune.kode) ?? []).map(formatProblem);
    const letter = manifestLetter(
      model,
      pdfFile,
      { ...emlFile, contentSha256: contentSha256(eml) },
      advarsler,
      inputsNow.get(model.kommune.kode),
    );
    written[i] = letter;
    // The three files of a letter, and the files of the next letters, are
    // written at the same time: each write is a few steps (open, write,
    // fsync, close, rename), each step waits for a turn of this thread's
    // event loop, and the thread gets one turn per letter it renders. One
    // file after another fell behind the rendering and left ~0.3 s of writes
    // for the end of a 98-letter render.
    await writes.add(
      Promise.all([
        writeFileAtomic(join(staging, pdfFile.file), pdf),
        writeFileAtomic(join(staging, emlFile.file), eml),
        writeEmailPage(staging, data.barometer, letter, live).then((page) => pages.add(page)),
      ]).then(() => tick(++done, model.kommune.navn)),
    );
  });
  await writes.all();
  return written;
}

/** Letters whose files may be in writing at once (their PDF, .eml and email page each). */
const LETTERS_WRITTEN_AT_ONCE = 8;

/** After `render --kommune`: which other letters no longer follow from the data. */
function staleNotes(manifest: Manifest, current: CurrentInputs): string[] {
  const report = assessFreshness(manifest, current);
  const stale = staleKommuner(report);
  const notes: string[] = [];
  if (stale.length > 0) {
    notes.push(
      `Bemærk: ${countText(stale.length, 'andet brev passer', 'andre breve passer')} ikke længere med data eller skabeloner og sendes ikke, ` +
        `før ${stale.length === 1 ? 'det' : 'de'} er skrevet igen: ${listSome(stale)}. Kør render uden --kommune for at skrive alle breve.`,
    );
  }
  if (report.missing.length > 0) {
    notes.push(
      `Bemærk: ${countText(report.missing.length, 'kommune', 'kommuner')} med sager har intet brev endnu: ${listSome(report.missing.map((m) => m.kommunekode))}.`,
    );
  }
  return notes;
}
