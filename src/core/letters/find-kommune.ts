// Resolves --kommune: a code ("173", "0173") or a name, case-insensitive,
// with or without "Kommune"/"Regionskommune" and the genitive s
// ("Københavns Kommune", "København", "lyngby-taarbæk kommune").
import { parseKommunekode } from './parse-values.js';
import type { Kommune } from '../types.js';

function nameKeys(name: string): string[] {
  const base = name
    .normalize('NFC')
    .toLowerCase()
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/\s+(regions)?kommune$/, '');
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
