// The manifest: what `render` wrote, with checksums, and for each letter a
// fingerprint of exactly what it was made from. `send` sends only what the
// manifest lists, and only letters whose files and inputs still match it.
// The shape is a zod schema: the one description of the file, used to read it.
import { z } from 'zod';
import type { NationalPicture } from './assess.js';
import { tableKindOf } from './table-source.js';
import { compareCodes } from '../danish.js';
import type { LetterModel, Problem } from '../types.js';

export const MANIFEST_FILE = 'manifest.json';
export const MANIFEST_VERSION = 1;

/** The files render writes per letter: "<kode>-<slug>" (letterFileBase) with .pdf, .eml and the preview's .email.html. */
export const LETTER_FILE = /^\d{3}-[a-z0-9-]+\.(pdf|eml|email\.html)$/;

/** A file name the manifest may name: a plain name inside the folder, never a path or a hidden file. */
export function isSafeFileName(f: string): boolean {
  return f.length > 0 && f.length <= 255 && !/[/\\\0]/.test(f) && !f.startsWith('.');
}

const sha256Hex = z.string().regex(/^[0-9a-f]{64}$/);
const fileName = z.string().refine(isSafeFileName, { error: 'er ikke et gyldigt filnavn' });

const manifestFileSchema = z.object({ file: fileName, sha256: sha256Hex, bytes: z.number().int().nonnegative() });

/** What one letter was made from (see freshness.ts). Each part is a sha256
 *  of the canonical JSON of the validated values, so a change of layout in a
 *  file (row order, quoting, another kommune's row) does not count. */
export const letterInputsSchema = z.object({
  /** The kommune's row of kommuner.csv (kode, navn, adresse, postnummer, by, email). */
  kommune: sha256Hex,
  /** The kommune's cases in sager.csv. */
  sager: sha256Hex,
  barometer: sha256Hex,
  regelsaet: sha256Hex,
  /** The template files (name and sha256 of each). */
  skabeloner: sha256Hex,
  /** The renderer's version (RENDERER_VERSION when the letter was written). */
  renderer: z.string(),
});

const manifestLetterSchema = z.object({
  kommunekode: z.string().regex(/^\d{3}$/),
  navn: z.string(),
  /** Recipient address, from kommuner.csv. */
  recipient: z.string(),
  antalSager: z.number().int().nonnegative(),
  /** How many of the cases live up to regler og praksis. */
  overholder: z.number().int().nonnegative(),
  /** How many have a retlig mangel with væsentlig betydning. */
  medVaesentligMangel: z.number().int().nonnegative(),
  sagsnumre: z.array(z.string()),
  pdf: manifestFileSchema,
  /**
   * contentSha256: sha256 of the .eml without its Date and Message-ID fields,
   * which `send` sets at send time; it names the letter version and proves
   * that everything else is sent as previewed (core/send/eml-headers.ts).
   * Absent in manifests from before it existed (then taken from the file).
   */
  eml: manifestFileSchema.extend({ contentSha256: sha256Hex.optional() }),
  /** The email as composed (for the preview page; the .eml holds the bytes sent). */
  email: z.object({
    from: z.string(),
    replyTo: z.string(),
    to: z.string(),
    subject: z.string(),
    text: z.string(),
    attachmentName: z.string(),
    messageId: z.string(),
  }),
  /** Warnings about this kommune's rows, formatted. */
  advarsler: z.array(z.string()),
  /** Absent only in manifests written before fingerprints existed: such a letter counts as stale. */
  inputs: letterInputsSchema.optional(),
});

export const manifestSchema = z.object({
  version: z.literal(MANIFEST_VERSION),
  barometer: z.object({ id: z.string(), titel: z.string(), brevdato: z.string(), eksempeldata: z.boolean() }),
  /** sha256 of each input file (data, rule set, templates) at the latest render. */
  inputs: z.record(z.string(), z.string()),
  /** The national figures (same code as `check --json`) and the figure rows, from the latest render. */
  national: z.custom<NationalPicture>((v) => typeof v === 'object' && v !== null && 'figures' in v),
  letters: z.array(manifestLetterSchema),
  kommunerUdenSager: z.array(z.object({ kommunekode: z.string(), navn: z.string(), email: z.string() })),
  /** All warnings of the latest render, formatted. */
  advarsler: z.array(z.string()),
});

export type ManifestFile = z.infer<typeof manifestFileSchema>;
export type LetterInputs = z.infer<typeof letterInputsSchema>;
export type ManifestLetter = z.infer<typeof manifestLetterSchema>;
export type Manifest = z.infer<typeof manifestSchema>;

export type ParsedManifest = { ok: true; manifest: Manifest } | { ok: false; message: string };

/** Parses manifest.json's text: JSON, then the schema. Messages are Danish and name the first wrong field. */
export function parseManifest(text: string): ParsedManifest {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { ok: false, message: 'er ikke gyldig JSON' };
  }
  if (typeof json === 'object' && json !== null && 'version' in json && json.version !== MANIFEST_VERSION) {
    return { ok: false, message: 'er ikke et manifest fra denne version af kommunebrev' };
  }
  const r = manifestSchema.safeParse(json);
  if (r.success) return { ok: true, manifest: r.data };
  const [issue] = r.error.issues;
  const where = issue && issue.path.length > 0 ? ` (felt »${issue.path.join('.')}«)` : '';
  const what =
    issue?.path.at(-1) === 'file' ? 'indeholder et ugyldigt filnavn' : 'har ikke den form, kommunebrev skriver';
  return { ok: false, message: `${what}${where}` };
}

/** The file of the manifest as render writes it: stable key order, two-space indent, final newline. */
export function serializeManifest(manifest: Manifest): string {
  return `${JSON.stringify(manifest, null, 2)}\n`;
}

export function manifestLetter(
  model: LetterModel,
  pdf: ManifestFile,
  eml: ManifestLetter['eml'],
  advarsler: string[],
  inputs?: LetterInputs,
): ManifestLetter {
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
    ...(inputs ? { inputs } : {}),
  };
}

/** The letters of a `render --kommune`: the new ones replace theirs, every other letter of the previous render stays. */
export function mergeLetters(
  previous: readonly ManifestLetter[],
  written: readonly ManifestLetter[],
): ManifestLetter[] {
  const replaced = new Set(written.map((l) => l.kommunekode));
  return [...previous.filter((l) => !replaced.has(l.kommunekode)), ...written].sort((a, b) =>
    compareCodes(a.kommunekode, b.kommunekode),
  );
}

/** Which warnings concern which kommune: rows of the sager table map to kommuner via their cases. */
export function warningsByKommune(
  warnings: readonly Problem[],
  caseRows: ReadonlyMap<number, string>,
  kommuneRows: ReadonlyMap<number, string>,
): Map<string, Problem[]> {
  const out = new Map<string, Problem[]>();
  for (const w of warnings) {
    if (w.row === undefined) continue;
    const kind = tableKindOf(w.file);
    const kode = kind === 'sager' ? caseRows.get(w.row) : kind === 'kommuner' ? kommuneRows.get(w.row) : undefined;
    if (kode === undefined) continue;
    out.set(kode, [...(out.get(kode) ?? []), w]);
  }
  return out;
}
