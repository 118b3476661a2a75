// Before anything is sent: is the render in the out folder still what the
// data and templates give, are the files byte for byte what was previewed,
// and does every letter go to its own kommune's address? Pure: file bytes
// and hashes come in from the adapters.
import type { Manifest, ManifestLetter } from '../letters/manifest.js';
import type { Kommune } from '../types.js';
import { checkEml } from './eml-headers.js';

/** Input files whose hash differs from the render's (added, removed or changed). */
export function changedInputs(atRender: Readonly<Record<string, string>>, now: Readonly<Record<string, string>>): string[] {
  const names = new Set([...Object.keys(atRender), ...Object.keys(now)]);
  return [...names].filter((n) => atRender[n] !== now[n]).sort();
}

export interface LetterFiles {
  /** sha256 of the file as it is now; undefined when it cannot be read. */
  pdfSha256?: string;
  emlSha256?: string;
  /** The .eml bytes, for the header check. */
  eml?: Uint8Array;
}

export interface RenderCheckInput {
  manifest: Manifest;
  barometerId: string;
  inputHashes: Readonly<Record<string, string>>;
  kommuner: readonly Kommune[];
  /** Kommunekoder with at least one case: each must have a letter (full runs only). */
  kommunerWithCases: ReadonlySet<string> | undefined;
  /** The letters about to be sent, with their files as they are now. */
  letters: readonly { letter: ManifestLetter; files: LetterFiles }[];
}

/** Everything that makes the render unfit to send, in Danish. Empty = fine. */
export function checkRender(input: RenderCheckInput): string[] {
  const problems: string[] = [];
  const m = input.manifest;
  if (m.barometer.id !== input.barometerId) {
    problems.push(`Manifestet hører til barometret »${m.barometer.id}«, ikke »${input.barometerId}«.`);
    return problems;
  }
  const changed = changedInputs(m.inputs, input.inputHashes);
  if (changed.length > 0) problems.push(`Ændret siden render: ${changed.join(', ')}.`);

  if (input.kommunerWithCases) {
    const have = new Set(m.letters.map((l) => l.kommunekode));
    const missing = [...input.kommunerWithCases].filter((k) => !have.has(k)).sort();
    if (missing.length > 0) problems.push(`Render mangler breve til kommune ${missing.join(', ')}, som har sager.`);
  }

  const byKode = new Map(input.kommuner.map((k) => [k.kode, k]));
  for (const { letter, files } of input.letters) {
    const who = `${letter.kommunekode} ${letter.navn}`;
    if (files.pdfSha256 === undefined) problems.push(`${who}: ${letter.pdf.file} findes ikke eller kan ikke læses.`);
    else if (files.pdfSha256 !== letter.pdf.sha256) problems.push(`${who}: ${letter.pdf.file} er ændret siden render (sha256 passer ikke).`);
    if (files.emlSha256 === undefined) problems.push(`${who}: ${letter.eml.file} findes ikke eller kan ikke læses.`);
    else if (files.emlSha256 !== letter.eml.sha256) problems.push(`${who}: ${letter.eml.file} er ændret siden render (sha256 passer ikke).`);
    const kommune = byKode.get(letter.kommunekode);
    if (!kommune) {
      problems.push(`${who}: kommunen findes ikke længere i kommuner.csv.`);
      continue;
    }
    if (!kommune.email) {
      problems.push(`${who}: kommunen har ingen e-mailadresse i kommuner.csv.`);
      continue;
    }
    if (kommune.email.toLowerCase() !== letter.recipient.toLowerCase()) {
      problems.push(`${who}: adressen i kommuner.csv (${kommune.email}) er ikke den, brevet blev skrevet til (${letter.recipient}).`);
      continue;
    }
    if (files.eml && files.emlSha256 === letter.eml.sha256) {
      const check = checkEml(files.eml, { recipient: kommune.email, messageId: letter.email.messageId });
      for (const p of check.problems) problems.push(`${who}: ${p}.`);
    }
  }
  return problems;
}
