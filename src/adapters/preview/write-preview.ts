// Writes the preview page (index.html) and one email page per letter into the
// barometer's out folder, atomically. Called by `render` and, with the send
// journal's status map, by `status`.
import { readdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { isSafeFileName, LETTER_FILE, type Manifest, type ManifestLetter } from '../../core/letters/manifest.js';
import {
  emailPageFile,
  PREVIEW_FILE,
  renderEmailPageHtml,
  renderPreviewHtml,
} from '../../core/preview/render-preview.js';
import type { SendStatusMap } from '../../core/send/send-status.js';
import { forEachLimited, syncDir, writeFileAtomic } from '../letters/write-output.js';
import { readPreviewTemplates } from './read-preview-templates.js';

/** Email pages written at once (see forEachLimited). */
const PARALLEL_WRITES = 8;

/** Writes `content` to `dir/file` unless that file, or the same file in `live`, already holds it. */
async function writeIfChanged(dir: string, file: string, content: string, live?: string): Promise<void> {
  for (const d of live === undefined ? [dir] : [live, dir]) {
    if ((await readFile(join(d, file), 'utf8').catch(() => undefined)) === content) return;
  }
  await writeFileAtomic(join(dir, file), content);
}

/** The file name of a letter's email page, refused if the manifest's name could point outside the folder. */
function safePageFile(letter: ManifestLetter): string {
  const file = emailPageFile(letter);
  if (!isSafeFileName(file)) throw new Error(`Ugyldigt filnavn i manifestet: ${letter.eml.file}`);
  return file;
}

/** When writePreview writes into a render's staging folder: the live folder, and the pages already staged. */
export interface StagingPages {
  live: string;
  /** Email page files writeEmailPage staged (or found the same in `live`) for this render's letters. */
  written: ReadonlySet<string>;
}

/**
 * Stages one letter's email page as soon as render has written the letter, so
 * that its fsync overlaps with rendering the next letter instead of waiting
 * at the end (writePreview leaves it). Skipped when `live` has it. Returns the page's file name.
 */
export async function writeEmailPage(
  dir: string,
  barometer: Pick<Manifest['barometer'], 'titel'>,
  letter: ManifestLetter,
  live?: string,
): Promise<string> {
  const html = renderEmailPageHtml(await readPreviewTemplates(), { barometer }, letter);
  const file = safePageFile(letter);
  await writeIfChanged(dir, file, html, live);
  return file;
}

/**
 * Writes index.html and the email pages; removes email pages of letters no
 * longer in the manifest. Returns the path of index.html. A render writes
 * into its staging folder and names the live folder (`staging.live`): an
 * email page the live folder already has word for word is not staged again
 * (the swap keeps every page the manifest names; render-swap.ts), which
 * spares a `render --kommune` writing and fsyncing ~100 unchanged pages; and
 * pages it staged while writing the letters are left as they are.
 */
export async function writePreview(
  dir: string,
  manifest: Manifest,
  sendStatus?: SendStatusMap,
  folderProblems: readonly string[] = [],
  staging?: StagingPages,
): Promise<string> {
  const templates = await readPreviewTemplates();
  const pages = new Set<string>();
  // The names come from the manifest: never let one point outside the folder.
  for (const letter of manifest.letters) pages.add(safePageFile(letter));
  // Pages render has just staged for this manifest's letters (writeEmailPage) are not made again.
  const pending = manifest.letters.filter((letter) => !staging?.written.has(emailPageFile(letter)));
  await forEachLimited(pending, PARALLEL_WRITES, async (letter) => {
    await writeEmailPage(dir, manifest.barometer, letter, staging?.live);
  });
  for (const name of await readdir(dir)) {
    if (name.endsWith('.email.html') && LETTER_FILE.test(name) && !pages.has(name)) await rm(join(dir, name));
  }
  const path = join(dir, PREVIEW_FILE);
  await writeFileAtomic(path, renderPreviewHtml(templates, manifest, sendStatus, folderProblems));
  // Into a render's staging folder, commitRender fsyncs the folder before the commit point.
  if (staging === undefined) await syncDir(dir);
  return path;
}
