// Before anything is sent: is each letter still what the data and templates
// give (freshness), are its files byte for byte what was previewed, and does
// it go to its own kommune's address? Each letter is judged on its own: a
// stale or damaged letter is refused by name, the others may go. Only what
// concerns the whole folder refuses everything. Pure: file bytes and hashes
// come in from the adapters; every finding is a Problem.
import { assessFreshness, type CurrentInputs, type FreshnessReport } from '../letters/freshness.js';
import type { Manifest, ManifestLetter } from '../letters/manifest.js';
import type { Problem } from '../types.js';
import { checkEml } from './eml-headers.js';

export interface LetterFiles {
  /** sha256 of the file as it is now; undefined when it cannot be read. */
  pdfSha256?: string;
  emlSha256?: string;
  /** The .eml bytes, for the header check. */
  eml?: Uint8Array;
  /** The PDF bytes (attached anew to a test send). */
  pdf?: Uint8Array;
}

/** Is each letter file byte for byte what the manifest says? (What status and the preview check, without data.) */
export function checkLetterFiles(letter: ManifestLetter, files: LetterFiles): Problem[] {
  const problems: Problem[] = [];
  const who = `${letter.kommunekode} ${letter.navn}`;
  for (const [f, actual] of [
    [letter.pdf, files.pdfSha256],
    [letter.eml, files.emlSha256],
  ] as const) {
    if (actual === undefined) {
      problems.push({
        code: 'letter-file-missing',
        severity: 'error',
        file: f.file,
        message: `${who}: filen findes ikke eller kan ikke læses.`,
      });
    } else if (actual !== f.sha256) {
      problems.push({
        code: 'letter-file-changed',
        severity: 'error',
        file: f.file,
        message: `${who}: filen passer ikke med manifestet (sha256); den er ændret efter render, eller en render blev afbrudt.`,
      });
    }
  }
  return problems;
}

export interface RenderCheckInput {
  manifest: Manifest;
  barometerId: string;
  /** The validated data and input-file hashes as they are now. */
  current: CurrentInputs;
  /** Full runs: every kommune with cases must have a letter; those without are named. */
  requireAll: boolean;
  /** The letters about to be sent, with their files as they are now. */
  letters: readonly { letter: ManifestLetter; files: LetterFiles }[];
}

export interface RenderCheck {
  /** Problems with the folder as a whole: nothing may be sent. */
  global: Problem[];
  /** Per kommunekode in scope: why that letter may not be sent. Absent = fit to send. */
  refused: Map<string, Problem[]>;
  /** Kommuner with cases but no letter (full runs only): named, never sent. */
  missing: FreshnessReport['missing'];
}

/** Judges the render: the whole folder first, then each letter on its own. */
export function checkRender(input: RenderCheckInput): RenderCheck {
  const m = input.manifest;
  const result: RenderCheck = { global: [], refused: new Map(), missing: [] };
  if (m.barometer.id !== input.barometerId) {
    result.global.push({
      code: 'manifest-other-barometer',
      severity: 'error',
      file: 'manifest.json',
      message: `Manifestet hører til barometret »${m.barometer.id}«, ikke »${input.barometerId}«.`,
    });
    return result;
  }
  const freshness = assessFreshness(m, input.current);
  if (input.requireAll) result.missing = freshness.missing;
  const byKode = new Map(input.current.data.kommuner.map((k) => [k.kode, k]));
  for (const { letter, files } of input.letters) {
    const f = freshness.letters.get(letter.kommunekode);
    const problems = [...(f?.state === 'stale' ? f.reasons : []), ...checkLetterFiles(letter, files)];
    const kommune = byKode.get(letter.kommunekode);
    // The To header is checked against the address the letter was written to,
    // once that address is known to be the kommune's current one.
    if (problems.length === 0 && kommune && files.eml) {
      const who = `${letter.kommunekode} ${letter.navn}`;
      problems.push(
        ...checkEml(files.eml, {
          recipient: kommune.email,
          messageId: letter.email.messageId,
          file: letter.eml.file,
          who,
        }).problems,
      );
    }
    if (problems.length > 0) result.refused.set(letter.kommunekode, problems);
  }
  return result;
}
