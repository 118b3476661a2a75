// Parsing of single cell values. Pure; each returns a value or a Danish reason.
import { isRealIsoDate } from './barometer-schema.js';

export type ParseResult<T> = { ok: true; value: T } | { ok: false; reason: string };

/** Canonical column key: lower case, NFC, separators folded, Danish letters
 *  transliterated, so "Afgørelsesdato", "afgoerelsesdato" and "AFGØRELSES_DATO " meet. */
export function normalizeHeader(header: string): string {
  let key = normalizedHeaders.get(header);
  if (key === undefined) {
    key = header
      .normalize('NFC')
      .toLowerCase()
      .replace(/^\ufeff/, '')
      .replace(/[_\s]+/g, ' ')
      .trim()
      .replace(/æ/g, 'ae')
      .replace(/ø/g, 'oe')
      .replace(/å/g, 'aa');
    // Bounded: the keys are column and sheet names, a few dozen in a run.
    if (normalizedHeaders.size < 1000) normalizedHeaders.set(header, key);
  }
  return key;
}

/** normalizeHeader's answers: it is asked for the same few column names for every cell (~20,000 times in a check). */
const normalizedHeaders = new Map<string, string>();

/** Enum values compare case-insensitively with surrounding and repeated whitespace ignored. */
export function normalizeValue(value: string): string {
  return value.normalize('NFC').trim().replace(/\s+/g, ' ').toLowerCase();
}

/** Kommunekoder are 3 digits (101–860); files often carry a leading zero ("0173"). */
export function parseKommunekode(raw: string): ParseResult<string> {
  const v = raw.trim();
  if (!/^\d{1,4}$/.test(v))
    return { ok: false, reason: 'Kommunekoden skal være et tal med højst fire cifre, fx 173 eller 0173.' };
  const n = Number(v);
  if (n < 1 || n > 999) return { ok: false, reason: 'Kommunekoden skal ligge mellem 1 og 999.' };
  return { ok: true, value: String(n).padStart(3, '0') };
}

/** Accepts 2022-12-20, 20-12-2022, 20.12.2022 and 20/12/2022 (day and month may have one digit). */
export function parseDate(raw: string): ParseResult<string> {
  const v = raw.trim();
  let y: number, m: number, d: number;
  let match = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(v);
  if (match) {
    [y, m, d] = [Number(match[1]), Number(match[2]), Number(match[3])];
  } else {
    match = /^(\d{1,2})([-./])(\d{1,2})\2(\d{4})$/.exec(v);
    if (!match) {
      return {
        ok: false,
        reason:
          'Datoen kan ikke læses. Skriv den som ÅÅÅÅ-MM-DD (2022-12-20) eller DD-MM-ÅÅÅÅ (20-12-2022, 20.12.2022, 20/12/2022).',
      };
    }
    [d, m, y] = [Number(match[1]), Number(match[3]), Number(match[4])];
  }
  const iso = `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
  if (!isRealIsoDate(iso)) return { ok: false, reason: 'Datoen findes ikke i kalenderen.' };
  return { ok: true, value: iso };
}

export function parseEnum<T extends string>(raw: string, allowed: readonly T[]): ParseResult<T> {
  const v = normalizeValue(raw);
  const hit = allowed.find((a) => a === v);
  if (hit) return { ok: true, value: hit };
  return { ok: false, reason: `Ukendt værdi. Tilladte værdier: ${allowed.map((a) => `»${a}«`).join(', ')}.` };
}

// A CPR number is DDMMYY-SSSS (CPR-loven § 3). We flag any 10-digit run, with
// or without the dash or a space, whose first six digits form a real date.
// False positives are acceptable: personal data must never reach a letter.
const CPR_PATTERN = /(?<!\d)(\d{2})(\d{2})(\d{2})[- ]?(\d{4})(?!\d)/g;

export function findCprLike(text: string): string[] {
  const hits: string[] = [];
  for (const m of text.matchAll(CPR_PATTERN)) {
    const [dd, mm] = [Number(m[1]), Number(m[2])];
    // Erstatningspersonnumre carry day + 60 (61–91); they are personal data too.
    const day = dd > 60 ? dd - 60 : dd;
    if (mm >= 1 && mm <= 12 && day >= 1 && day <= 31) hits.push(m[0]);
  }
  return hits;
}

/** Masks the serial part so a CPR-like value can be named in an error message
 *  without repeating the personal data: "120345-1234" -> "120345-****". */
export function maskCpr(text: string): string {
  return text.replace(CPR_PATTERN, (all, d, m, y) => `${d}${m}${y}${all.length > 10 ? all.charAt(6) : ''}****`);
}

export function slugify(s: string): string {
  return s
    .normalize('NFC')
    .toLowerCase()
    .replace(/æ/g, 'ae')
    .replace(/ø/g, 'oe')
    .replace(/å/g, 'aa')
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}

/** Longest slug in a letter's file name; real kommune names give at most 24. */
export const SLUG_MAX = 60;

/** A slug of at most `max` characters, for a file name (a-z, 0-9 and "-" only). */
export function boundedSlug(s: string, max = SLUG_MAX): string {
  return slugify(s).slice(0, max).replace(/-+$/, '');
}

/**
 * A file name a person sees (the attachment's): no control characters or
 * line breaks (they would reach the MIME headers), none of \\ / : * ? " < > |
 * (not allowed on Windows), no leading dot, at most `max` characters, so it
 * can be saved on any file system (255 bytes).
 */
export function safeFileName(s: string, max = 120): string {
  const cleaned = s
    .normalize('NFC')
    .replace(/[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069\u2028\u2029]/g, ' ')
    .replace(/[\\/:*?"<>|]/g, '-')
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/^\.+/, '');
  const chars = [...cleaned];
  return (chars.length > max ? chars.slice(0, max).join('').trimEnd() : cleaned) || 'brev';
}
