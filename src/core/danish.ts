// Danish formatting of dates and numbers, via date-fns' Danish locale.
// Deep imports: the package roots load every function and every locale
// (~250 ms of start-up for `check`, issue 11).
import { format } from 'date-fns/format';
import { da } from 'date-fns/locale/da';

/** "2022-12-20" -> "20. december 2022". Parsed as a calendar date, independent of time zone. */
export function formatDanishDate(iso: string): string {
  const [y, m, d] = iso.split('-').map(Number);
  return format(new Date(y ?? 0, (m ?? 1) - 1, d ?? 1), 'd. MMMM yyyy', { locale: da });
}

/** The first letter in upper case (Danish casing rules). */
export function capitalize(s: string): string {
  return s.charAt(0).toLocaleUpperCase('da') + s.slice(1);
}

/**
 * Order of fixed-shape codes (kommunekoder of three digits, ISO dates): plain
 * code-unit order, which for such strings is the order a collator gives, without
 * building a collator (issue 11).
 */
export function compareCodes(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

let sagsnummerCollator: Intl.Collator | undefined;

/** Sagsnumre in Danish, numbers by value ("HSB23-2" before "HSB23-10"); one collator, made on first use. */
export function compareSagsnumre(a: string, b: string): number {
  sagsnummerCollator ??= new Intl.Collator('da', { numeric: true });
  return sagsnummerCollator.compare(a, b);
}

/** "1 sag", "4 sager": a count with the singular or plural noun. */
export function countText(n: number, singular: string, plural: string): string {
  return `${n} ${n === 1 ? singular : plural}`;
}

/** "101, 147, 173" or, for a long list, "101, 147, … og 88 flere". */
export function listSome(items: readonly string[], max = 10): string {
  return items.length <= max ? items.join(', ') : `${items.slice(0, max).join(', ')} og ${items.length - max} flere`;
}

/** "klagevejledning, sagsbehandlingstid og handleplan" */
export function joinDanish(items: readonly string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} og ${items[items.length - 1]}`;
}

function lazy<T>(make: () => T): () => T {
  let value: T | undefined;
  return () => (value ??= make());
}

// Times are shown in Danish local time (Europe/Copenhagen), whatever the
// machine's time zone; the journal stores UTC. The formats are made on first
// use: building them (ICU, time zone data) costs start-up time in commands
// that never show a time (issue 11).
const cphLong = lazy(
  () =>
    new Intl.DateTimeFormat('da-DK', {
      timeZone: 'Europe/Copenhagen',
      year: 'numeric',
      month: 'long',
      day: 'numeric',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    }),
);
const cphShort = lazy(
  () =>
    new Intl.DateTimeFormat('da-DK', {
      timeZone: 'Europe/Copenhagen',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hourCycle: 'h23',
    }),
);

function partsOf(format: Intl.DateTimeFormat, d: Date): (type: Intl.DateTimeFormatPartTypes) => string {
  const parts = format.formatToParts(d);
  return (type) => parts.find((p) => p.type === type)?.value ?? '';
}

/** "2024-05-08T08:15:00Z" -> "8. maj 2024 kl. 10.15" (Danish time). Unparseable input is shown as is. */
export function formatDanishDateTime(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const part = partsOf(cphLong(), d);
  return `${Number(part('day'))}. ${part('month')} ${part('year')} kl. ${part('hour')}.${part('minute')}`;
}

/** "2024-05-08T08:15:03.120Z" -> "08.05.2024 10.15.03" (Danish time), for tables. */
export function formatTime(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const part = partsOf(cphShort(), d);
  return `${part('day')}.${part('month')}.${part('year')} ${part('hour')}.${part('minute')}.${part('second')}`;
}

/** "2024-05-08T08:15:03.120Z" -> "2024-05-08 10:15:03" (Danish time): sortable, and a date-time to Excel in any locale. */
export function formatSortableTime(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const part = partsOf(cphShort(), d);
  return `${part('year')}-${part('month')}-${part('day')} ${part('hour')}:${part('minute')}:${part('second')}`;
}

/** A duration in Danish: "1,5 s" (tenths below 10 s), "12 s". */
export function formatSeconds(ms: number): string {
  return `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0).replace('.', ',')} s`;
}
