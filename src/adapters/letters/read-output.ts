// Reads what `render` wrote, for `send` and `status`: the manifest and the
// letter files with their sha256. File names come from the manifest and are
// never allowed to point outside the folder.
import { readdir, readFile, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { MANIFEST_FILE, parseManifest, type Manifest, type ManifestLetter } from '../../core/letters/manifest.js';
import { checkLetterFiles, type LetterFiles } from '../../core/send/send-check.js';
import { COMMIT_FILE, STAGING_DIR } from './render-swap.js';
import type { Problem } from '../../core/types.js';
import { sha256 } from '../../core/sha256.js';

export type ManifestRead =
  { ok: true; manifest: Manifest } | { ok: false; reason: 'missing' | 'invalid'; message: string };

export async function readManifestFile(dir: string): Promise<ManifestRead> {
  const path = join(dir, MANIFEST_FILE);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT')
      return { ok: false, reason: 'missing', message: `${path} findes ikke.` };
    throw err;
  }
  const parsed = parseManifest(text);
  if (!parsed.ok) return { ok: false, reason: 'invalid', message: `${path} ${parsed.message}.` };
  return { ok: true, manifest: parsed.manifest };
}

export async function readLetterFiles(dir: string, letter: ManifestLetter): Promise<LetterFiles> {
  const files: LetterFiles = {};
  const pdf = await readFile(join(dir, letter.pdf.file)).catch(() => undefined);
  if (pdf) {
    files.pdfSha256 = sha256(pdf);
    files.pdf = pdf;
  }
  const eml = await readFile(join(dir, letter.eml.file)).catch(() => undefined);
  if (eml) {
    files.emlSha256 = sha256(eml);
    files.eml = eml;
  }
  return files;
}

/** Every letter file that is missing or not byte for byte what the manifest says (empty: the folder is consistent). */
export async function readFolderProblems(dir: string, manifest: Manifest): Promise<Problem[]> {
  const problems: Problem[] = [];
  for (const letter of manifest.letters) problems.push(...checkLetterFiles(letter, await readLetterFiles(dir, letter)));
  return problems;
}

export async function isFile(path: string): Promise<boolean> {
  return (await stat(path).catch(() => undefined))?.isFile() ?? false;
}

async function holdsAny(dir: string, files: readonly string[]): Promise<boolean> {
  for (const f of files) if (await isFile(join(dir, f))) return true;
  return false;
}

/** What an --out folder holds: no such folder, a barometer folder itself, or
 *  barometer folders one level down (sorted; hidden folders skipped). */
export type OutFolder =
  { kind: 'missing' } | { kind: 'barometer'; dir: string } | { kind: 'parent'; dir: string; barometre: string[] };

/** Looks for barometer folders in --out: OUT itself when it holds one of `self`, else its subfolders holding one of `sub`. */
export async function findOutFolders(
  out: string,
  self: readonly string[],
  sub: readonly string[] = self,
): Promise<OutFolder> {
  const dir = resolve(out);
  const st = await stat(dir).catch(() => undefined);
  if (!st?.isDirectory()) return { kind: 'missing' };
  if (await holdsAny(dir, self)) return { kind: 'barometer', dir };
  const barometre: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true })) {
    if (e.isDirectory() && !e.name.startsWith('.') && (await holdsAny(join(dir, e.name), sub))) barometre.push(e.name);
  }
  return { kind: 'parent', dir, barometre: barometre.sort() };
}

export const NO_OUT_FOLDER = (out: string): string =>
  `Mappen ${out} findes ikke. Angiv den outputmappe, som render skrev til (--out).`;

/** The barometer folder for --out: DIR itself if it holds manifest.json, else its only subfolder that does. */
export async function findBarometerDir(
  out: string,
): Promise<{ ok: true; dir: string } | { ok: false; message: string }> {
  // A barometer folder holds a manifest, or (a first render killed after its
  // commit point) a committed render waiting to be swapped in.
  const found = await findOutFolders(out, [MANIFEST_FILE, join(STAGING_DIR, COMMIT_FILE)]);
  if (found.kind === 'missing') return { ok: false, message: NO_OUT_FOLDER(out) };
  if (found.kind === 'barometer') return { ok: true, dir: found.dir };
  const [only] = found.barometre;
  if (only !== undefined && found.barometre.length === 1) return { ok: true, dir: join(found.dir, only) };
  if (only === undefined)
    return {
      ok: false,
      message: `Der er ingen breve (manifest.json) i ${out}. Skriv først brevene med »kommunebrev render«.`,
    };
  return {
    ok: false,
    message: `${out} indeholder flere barometre (${found.barometre.join(', ')}). Angiv en af dem, fx --out ${join(out, only)}.`,
  };
}
