// Resolves --kommune: a code ("173", "0173") or a name, case-insensitive,
// with or without "Kommune"/"Regionskommune" and the genitive s
// ("Københavns Kommune", "København", "lyngby-taarbæk kommune"). When
// nothing matches, suggestKommuner finds the nearest names, with æ/ø/å
// folded (Kobenhavn → København, Århus → Aarhus) and by prefix (Lyngby →
// Lyngby-Taarbæk); it only suggests: a letter is never sent to a guess.
import { parseKommunekode } from './parse-values.js';
import type { Kommune } from '../types.js';

function baseName(name: string): string {
  return name
    .normalize('NFC')
    .toLowerCase()
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/\s+(regions)?kommune$/, '');
}

function nameKeys(name: string): string[] {
  const base = baseName(name);
  const keys = [base];
  if (base.endsWith('s')) keys.push(base.slice(0, -1));
  return keys;
}

export function findKommune(kommuner: readonly Kommune[], query: string): Kommune | undefined {
  const q = query.trim();
  if (/^\d+$/.test(q)) {
    const kode = parseKommunekode(q);
    return kode.ok ? kommuner.find((k) => k.kode === kode.value) : undefined;
  }
  const wanted = new Set(nameKeys(q));
  return kommuner.find((k) => nameKeys(k.navn).some((key) => wanted.has(key)));
}

/**
 * Danish letters written the ways a keyboard without them does: æ → ae,
 * ø → o, å → a, and the old spellings "aa", "oe" folded the same way
 * (Aarhus and Århus meet as "arhus"), other accents dropped.
 */
export function foldDanish(s: string): string {
  return baseName(s)
    .replace(/æ/g, 'ae')
    .replace(/ø/g, 'o')
    .replace(/å/g, 'a')
    .replace(/aa/g, 'a')
    .replace(/oe/g, 'o')
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();
}

/** Optimal string alignment distance (Damerau–Levenshtein without repeated edits of a substring). */
export function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      const row = d[i] as number[];
      const prev = d[i - 1] as number[];
      let v = Math.min((prev[j] as number) + 1, (row[j - 1] as number) + 1, (prev[j - 1] as number) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        v = Math.min(v, ((d[i - 2] as number[])[j - 2] as number) + 1);
      row[j] = v;
    }
  }
  return (d[a.length] as number[])[b.length] as number;
}

/**
 * Up to `max` kommuner whose names are nearest to the query: first those
 * whose folded name (or one of its words) starts with the folded query, then
 * those within a small edit distance (a quarter of the query's length, at
 * least 1), nearest first. Queries of fewer than 2 letters get none.
 */
export function suggestKommuner(kommuner: readonly Kommune[], query: string, max = 3): Kommune[] {
  const q = foldDanish(query);
  if (q.length < 2 || /^\d+$/.test(q)) return [];
  const limit = Math.max(1, Math.floor(q.length / 4));
  const scored: { k: Kommune; score: number }[] = [];
  for (const k of kommuner) {
    const names = [foldDanish(k.navn)];
    if (names[0]?.endsWith('s')) names.push(names[0].slice(0, -1));
    const words = (names[0] ?? '').split(' ');
    if (names.some((n) => n.startsWith(q)) || words.some((w) => w.startsWith(q))) {
      scored.push({ k, score: 0 });
      continue;
    }
    // A typo in a prefix ("Lyngbi") ranks after the same typo in the whole name.
    const whole = Math.min(...names.map((n) => editDistance(q, n)));
    const prefix = Math.min(...names.map((n) => editDistance(q, n.slice(0, q.length))));
    if (whole <= limit) scored.push({ k, score: whole });
    else if (prefix <= limit) scored.push({ k, score: prefix + 0.5 });
  }
  return scored
    .sort((a, b) => a.score - b.score || a.k.navn.localeCompare(b.k.navn, 'da'))
    .slice(0, max)
    .map((s) => s.k);
}

function listOr(items: readonly string[]): string {
  return items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} eller ${items[items.length - 1]}`;
}

/** The usage message for a --kommune that matches none, with the nearest names. */
export function unknownKommuneMessage(kommuner: readonly Kommune[], query: string): string {
  const near = suggestKommuner(kommuner, query);
  const hint =
    near.length > 0
      ? ` Mente du ${listOr(near.map((k) => `»${k.navn}« (${k.kode})`))}?`
      : ' Angiv en kommunekode (fx 173) eller et navn (fx Lyngby-Taarbæk).';
  return `Kommunen »${query}« findes ikke i kommuner.csv.${hint}`;
}
