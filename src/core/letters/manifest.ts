// The manifest: what `render` wrote, with checksums. `send` sends only what
// the manifest lists and only if the files and inputs still match it.
import type { NationalPicture } from './assess.js';
import type { LetterModel, Problem } from '../types.js';

export const MANIFEST_FILE = 'manifest.json';
export const MANIFEST_VERSION = 1;

export interface ManifestFile {
  file: string;
  sha256: string;
  bytes: number;
}

export interface ManifestLetter {
  kommunekode: string;
  navn: string;
  /** Recipient address, from kommuner.csv. */
  recipient: string;
  antalSager: number;
  /** How many of the cases live up to regler og praksis. */
  overholder: number;
  /** How many have a retlig mangel with væsentlig betydning. */
  medVaesentligMangel: number;
  sagsnumre: string[];
  pdf: ManifestFile;
  eml: ManifestFile;
  /** The email as composed (for the preview page; the .eml holds the bytes sent). */
  email: {
    from: string;
    replyTo: string;
    to: string;
    subject: string;
    text: string;
    attachmentName: string;
    messageId: string;
  };
  /** Warnings about this kommune's rows, formatted. */
  advarsler: string[];
}

export interface Manifest {
  version: typeof MANIFEST_VERSION;
  barometer: { id: string; titel: string; brevdato: string; eksempeldata: boolean };
  /** sha256 of each input file (data, rule set, templates) at render time. */
  inputs: Record<string, string>;
  /** The national figures (same code as `check --json`) and the figure rows. */
  national: NationalPicture;
  letters: ManifestLetter[];
  kommunerUdenSager: { kommunekode: string; navn: string; email: string }[];
  /** All warnings of the render, formatted. */
  advarsler: string[];
}

export function manifestLetter(model: LetterModel, pdf: ManifestFile, eml: ManifestFile, advarsler: string[]): ManifestLetter {
  return {
    kommunekode: model.kommune.kode,
    navn: model.kommune.navn,
    recipient: model.kommune.email,
    antalSager: model.antalSager,
    overholder: model.sager.filter((s) => s.overholder === 'Ja').length,
    medVaesentligMangel: model.sager.filter((s) => s.mangler.some((m) => m.betydning === 'væsentlig betydning')).length,
    sagsnumre: model.sager.map((s) => s.sagsnummer),
    pdf,
    eml,
    email: {
      from: `${model.email.from.name} <${model.email.from.address}>`,
      replyTo: model.email.replyTo,
      to: `${model.email.to.name} <${model.email.to.address}>`,
      subject: model.email.subject,
      text: model.email.text,
      attachmentName: model.email.attachmentName,
      messageId: model.email.messageId,
    },
    advarsler,
  };
}

/** Which warnings concern which kommune: rows of sager.csv map to kommuner via their cases. */
export function warningsByKommune(
  warnings: readonly Problem[],
  caseRows: ReadonlyMap<number, string>,
  kommuneRows: ReadonlyMap<number, string>,
): Map<string, Problem[]> {
  const out = new Map<string, Problem[]>();
  for (const w of warnings) {
    if (w.row === undefined) continue;
    const kode = w.file === 'sager.csv' ? caseRows.get(w.row) : w.file === 'kommuner.csv' ? kommuneRows.get(w.row) : undefined;
    if (kode === undefined) continue;
    out.set(kode, [...(out.get(kode) ?? []), w]);
  }
  return out;
}
