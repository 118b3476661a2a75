// All or nothing for the out folder. A render writes every new file (letters,
// manifest, preview pages) into .render-staging/ inside the barometer folder,
// fsyncs them, and then commits by writing .render-staging/commit.json (one
// atomic rename: the commit point). Only then are the files renamed into
// place: letters first (several at once), then manifest.json; then letters
// no longer in the manifest are removed, and index.html comes last. Until
// then, index.html is a page saying the folder is being rewritten.
//
// A render killed before the commit point leaves the previous render exactly
// as it was (the staging folder is discarded later). Killed after it, the
// new render is whole in the staging folder, and the next command that opens
// the folder (render, send, status, preview) finishes the swap before it
// reads anything. So what any command sees is the previous render intact or
// the new one whole. send-journal.jsonl and send.lock are never staged,
// moved or removed: only the render's own files are.
import { mkdir, readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { LETTER_FILE, MANIFEST_FILE, parseManifest, type Manifest } from '../../core/letters/manifest.js';
import { emailPageFile, PREVIEW_FILE } from '../../core/preview/render-preview.js';
import { PREVIEW_TEMPLATES_DIR } from '../preview/read-preview-templates.js';
import { acquireRenderLock, inspectRenderLock, RENDER_LOCK_FILE, type RenderLockHolder } from './render-lock.js';
import { killPoint, syncDir, writeFileAtomic, WritesInFlight } from './write-output.js';

export const STAGING_DIR = '.render-staging';
export const COMMIT_FILE = 'commit.json';
/** Files a render owns in the barometer folder; nothing else is ever removed. */

/** The page index.html shows between the commit point and the end of the swap (a static file, like the other pages' markup). */
const SWAP_PAGE_FILE = join(PREVIEW_TEMPLATES_DIR, 'render-afbrudt.html');

const exists = async (p: string): Promise<boolean> => (await stat(p).catch(() => undefined)) !== undefined;

/** A fresh, empty staging folder (anything left there was never committed, or was finished by recoverRender). */
export async function startStaging(dir: string): Promise<string> {
  const staging = join(dir, STAGING_DIR);
  await rm(staging, { recursive: true, force: true });
  await mkdir(staging);
  return staging;
}

/** The commit point, then the swap (`manifest`: the one just staged). Returns the files removed because no letter names them any more. */
export async function commitRender(dir: string, manifest: Manifest): Promise<string[]> {
  const staging = join(dir, STAGING_DIR);
  await syncDir(staging);
  await writeFileAtomic(join(staging, COMMIT_FILE), `${JSON.stringify({ committed: true })}\n`);
  await syncDir(staging);
  return finishSwap(dir, manifest);
}

/**
 * Renames the staged files into place (idempotent: a file already moved is skipped) and removes the staging folder.
 * `committed` is the manifest the render just staged; finishing a killed render reads it from the folder.
 */
async function finishSwap(dir: string, committed?: Manifest): Promise<string[]> {
  const staging = join(dir, STAGING_DIR);
  const staged = new Set(await readdir(staging));
  const manifest = committed ?? (await readStagedManifest(dir, staged));

  // index.html is moved last; while it is still staged, the swap is unfinished.
  if (staged.has(PREVIEW_FILE)) {
    await writeFileAtomic(join(dir, PREVIEW_FILE), await readFile(SWAP_PAGE_FILE));
  }
  // The letter files in any order, several renames at once (each is a round
  // trip to the file system; one after another they took ~30 ms of a
  // 98-letter render), and manifest.json after all of them.
  await eachAtOnce([...staged].filter((f) => LETTER_FILE.test(f)).sort(), (f) =>
    rename(join(staging, f), join(dir, f)),
  );
  if (staged.has(MANIFEST_FILE)) {
    await rename(join(staging, MANIFEST_FILE), join(dir, MANIFEST_FILE));
    killPoint();
  }
  await syncDir(dir);

  const keep = new Set(manifest.letters.flatMap((l) => [l.pdf.file, l.eml.file, emailPageFile(l)]));
  const removed = (await readdir(dir)).sort().filter((f) => LETTER_FILE.test(f) && !keep.has(f));
  await eachAtOnce(removed, (f) => rm(join(dir, f), { force: true }));
  // The preview page last: until it is in place, the page says the swap is unfinished.
  if (staged.has(PREVIEW_FILE)) {
    // The renames above are already on disk; only removals since need another fsync first.
    if (removed.length > 0) await syncDir(dir);
    await rename(join(staging, PREVIEW_FILE), join(dir, PREVIEW_FILE));
    killPoint();
  }
  await syncDir(dir);
  await rm(staging, { recursive: true, force: true });
  return removed.filter((f) => !f.endsWith('.email.html'));
}

/** File operations of the swap running at once. */
const SWAP_STEPS_AT_ONCE = 16;

/** `step` for each file, SWAP_STEPS_AT_ONCE at a time; a kill point after each (the swap is idempotent in any order). */
async function eachAtOnce(files: readonly string[], step: (file: string) => Promise<unknown>): Promise<void> {
  const steps = new WritesInFlight(SWAP_STEPS_AT_ONCE);
  for (const f of files) await steps.add(step(f).then(killPoint));
  await steps.all();
}

/** The manifest of a committed render: staged, or already moved into place. */
async function readStagedManifest(dir: string, staged: ReadonlySet<string>): Promise<Manifest> {
  const manifestPath = staged.has(MANIFEST_FILE) ? join(dir, STAGING_DIR, MANIFEST_FILE) : join(dir, MANIFEST_FILE);
  const parsed = parseManifest(await readFile(manifestPath, 'utf8'));
  if (!parsed.ok) throw new Error(`${manifestPath} ${parsed.message}`);
  return parsed.manifest;
}

export type Settled =
  /** Nothing to do, or an interrupted render was finished or discarded (see notes). */
  | { state: 'ready'; notes: string[] }
  /** Another process is rendering into the folder right now. */
  | { state: 'rendering'; holder: RenderLockHolder };

/** With the render lock held: finishes a committed render, discards an uncommitted one. */
export async function recoverRender(dir: string): Promise<string[]> {
  const staging = join(dir, STAGING_DIR);
  if (!(await exists(staging))) return [];
  if (await exists(join(staging, COMMIT_FILE))) {
    await finishSwap(dir);
    return [
      'Bemærk: en render blev afbrudt, mens de nye breve blev lagt på plads; den er nu gjort færdig, så mappen igen er hel.',
    ];
  }
  await rm(staging, { recursive: true, force: true });
  return [
    'Bemærk: en render blev afbrudt, før de nye breve var skrevet færdig; de er kasseret, og de tidligere breve er uændrede.',
  ];
}

/**
 * For send, status and preview, before they read the folder: finish or
 * discard an interrupted render, unless a render is running right now.
 */
export async function settleOutputFolder(dir: string): Promise<Settled> {
  if (!(await exists(join(dir, STAGING_DIR)))) {
    const holder = await inspectRenderLock(dir);
    if (holder) return { state: 'rendering', holder };
    // A render killed before it staged anything leaves only its lock: take
    // the stale lock over and let it go, so the folder is left as clean as
    // the previous render left it.
    if (await exists(join(dir, RENDER_LOCK_FILE))) {
      const stale = await acquireRenderLock(dir);
      if (!stale.ok) return { state: 'rendering', holder: stale.holder };
      await stale.release();
    }
    return { state: 'ready', notes: [] };
  }
  const lock = await acquireRenderLock(dir);
  if (!lock.ok) return { state: 'rendering', holder: lock.holder };
  try {
    return { state: 'ready', notes: await recoverRender(dir) };
  } finally {
    await lock.release();
  }
}
