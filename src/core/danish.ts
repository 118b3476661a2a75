// Danish formatting of dates and numbers, via date-fns' Danish locale.
import { format } from 'date-fns';
import { da } from 'date-fns/locale';

/** "2022-12-20" -> "20. december 2022". Parsed as a calendar date, independent of time zone. */
export function formatDanishDate(iso: string): string {
  const [y, m, d] = iso.split('-').map(Number);
  return format(new Date(y ?? 0, (m ?? 1) - 1, d ?? 1), 'd. MMMM yyyy', { locale: da });
}

/** "4 sager", "1 sag" */
export function antalSagerTekst(n: number): string {
  return `${n} ${n === 1 ? 'sag' : 'sager'}`;
}

/** "klagevejledning, sagsbehandlingstid og handleplan" */
export function joinDanish(items: readonly string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} og ${items[items.length - 1]}`;
}
