// Per-letter freshness. Each letter in the manifest records a fingerprint of
// exactly what it was made from: its kommune's row, its cases, barometer.json,
// the rule set, the templates and the renderer. A letter is fresh when the
// same fingerprint comes out of the data as it is now, so `render --kommune X`
// can re-render one letter and leave every other letter valid, and `send` can
// judge each letter on its own. Pure.
import { sha256 } from '../sha256.js';
import type { Case, Kommune, Problem, ValidatedData } from '../types.js';
import type { LetterInputs, Manifest, ManifestLetter } from './manifest.js';

/**
 * The renderer's version. Part of every letter's fingerprint: bump it when
 * the same input gives other letter bytes (PDF layout, email composition),
 * so letters written by the older renderer count as stale.
 */
export const RENDERER_VERSION = 'kommunebrev-brev-2';

/** JSON with object keys sorted, so the hash depends on values only, not on key order. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(
          Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
        )
      : v,
  );
}

const hashOf = (value: unknown): string => sha256(canonicalJson(value));

/** The kommune as the letter uses it; the row number is where it stands, not what it says. */
function kommuneFingerprint(k: Kommune): string {
  const { row: _row, ...fields } = k;
  return hashOf(fields);
}

function casesFingerprint(cases: readonly Case[]): string {
  return hashOf(
    [...cases]
      .sort((a, b) => (a.sagsnummer < b.sagsnummer ? -1 : a.sagsnummer > b.sagsnummer ? 1 : 0))
      .map(({ row: _row, ...c }) => c),
  );
}

/** The data and input-file hashes as they are now (what `loadBarometer` gives). */
export interface CurrentInputs {
  data: ValidatedData;
  /** sha256 of each input file, keyed as read-barometer keys them (templates under "templates/…"). */
  inputHashes: Readonly<Record<string, string>>;
}

/** The fingerprint every kommune with cases would get from the data as it is now. */
export function letterInputsNow(current: CurrentInputs): Map<string, LetterInputs> {
  const { data, inputHashes } = current;
  const shared = {
    barometer: hashOf(data.barometer),
    regelsaet: hashOf(data.ruleSet),
    skabeloner: hashOf(
      Object.entries(inputHashes)
        .filter(([name]) => name.startsWith('templates/'))
        .sort(([a], [b]) => (a < b ? -1 : 1)),
    ),
    renderer: RENDERER_VERSION,
  };
  const byKode = new Map<string, Case[]>();
  for (const c of data.cases) byKode.set(c.kommunekode, [...(byKode.get(c.kommunekode) ?? []), c]);
  const out = new Map<string, LetterInputs>();
  for (const k of data.kommuner) {
    const cases = byKode.get(k.kode);
    if (cases) out.set(k.kode, { kommune: kommuneFingerprint(k), sager: casesFingerprint(cases), ...shared });
  }
  return out;
}

export type LetterFreshness = { state: 'fresh' } | { state: 'stale'; reasons: Problem[] };

export interface FreshnessReport {
  /** Every letter of the manifest, by kommunekode. */
  letters: Map<string, LetterFreshness>;
  /** Kommuner that have cases now but no letter in the manifest. */
  missing: { kommunekode: string; problem: Problem }[];
}

function stale(letter: ManifestLetter, file: string, code: string, reason: string, at: Partial<Problem> = {}): Problem {
  return { code, severity: 'error', file, ...at, message: `${letter.kommunekode} ${letter.navn}: ${reason}.` };
}

/** Why one letter no longer follows from the data (empty: it is fresh). */
function staleReasons(letter: ManifestLetter, now: LetterInputs | undefined, kommune: Kommune | undefined): Problem[] {
  const was = letter.inputs;
  if (!was) {
    return [
      stale(
        letter,
        'manifest.json',
        'stale-unknown',
        'manifestet siger ikke, hvad brevet er skrevet ud fra (skrevet af en ældre version af kommunebrev)',
      ),
    ];
  }
  const reasons: Problem[] = [];
  if (!kommune)
    return [stale(letter, 'kommuner.csv', 'stale-kommune-gone', 'kommunen findes ikke længere i kommuner.csv')];
  const row = { row: kommune.row };
  if (kommune.email !== letter.recipient) {
    reasons.push(
      stale(
        letter,
        'kommuner.csv',
        'stale-address',
        `adressen er ændret siden render (brevet er skrevet til ${letter.recipient})`,
        {
          ...row,
          column: 'email',
          value: kommune.email,
        },
      ),
    );
  } else if (now && now.kommune !== was.kommune) {
    reasons.push(
      stale(letter, 'kommuner.csv', 'stale-kommune', 'kommunens navn eller postadresse er ændret siden render', row),
    );
  }
  if (!now) {
    reasons.push(stale(letter, 'sager.csv', 'stale-no-cases', 'kommunen har ikke længere sager i sager.csv'));
    return reasons;
  }
  if (now.sager !== was.sager)
    reasons.push(stale(letter, 'sager.csv', 'stale-cases', 'sagerne er ændret siden render'));
  if (now.barometer !== was.barometer)
    reasons.push(stale(letter, 'barometer.json', 'stale-barometer', 'barometer.json er ændret siden render'));
  if (now.regelsaet !== was.regelsaet)
    reasons.push(stale(letter, 'regelsæt', 'stale-rules', 'regelsættet er ændret siden render'));
  if (now.skabeloner !== was.skabeloner)
    reasons.push(stale(letter, 'templates', 'stale-templates', 'skabelonerne er ændret siden render'));
  if (now.renderer !== was.renderer) {
    reasons.push(
      stale(
        letter,
        'manifest.json',
        'stale-renderer',
        `brevet er skrevet af en anden version af kommunebrev (${was.renderer}, nu ${now.renderer})`,
      ),
    );
  }
  return reasons;
}

/**
 * Per letter of the manifest: fresh, or stale with every reason (a Problem
 * naming the kommune, the file and, for an address, the row). Also the
 * kommuner with cases that have no letter at all.
 */
export function assessFreshness(manifest: Manifest, current: CurrentInputs): FreshnessReport {
  const now = letterInputsNow(current);
  const kommuner = new Map(current.data.kommuner.map((k) => [k.kode, k]));
  const letters = new Map<string, LetterFreshness>();
  for (const letter of manifest.letters) {
    const reasons = staleReasons(letter, now.get(letter.kommunekode), kommuner.get(letter.kommunekode));
    letters.set(letter.kommunekode, reasons.length === 0 ? { state: 'fresh' } : { state: 'stale', reasons });
  }
  const missing: FreshnessReport['missing'] = [];
  for (const kode of [...now.keys()].sort()) {
    if (letters.has(kode)) continue;
    const k = kommuner.get(kode);
    missing.push({
      kommunekode: kode,
      problem: {
        code: 'letter-missing',
        severity: 'error',
        file: 'manifest.json',
        message: `${kode} ${k?.navn ?? ''}: kommunen har sager, men render har ikke skrevet et brev til den.`,
      },
    });
  }
  return { letters, missing };
}

/** The kommunekoder of stale letters, in manifest order. */
export function staleKommuner(report: FreshnessReport): string[] {
  return [...report.letters].filter(([, f]) => f.state === 'stale').map(([kode]) => kode);
}
