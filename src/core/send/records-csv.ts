// `status --csv`: the records list for the records system (ESDH), one line
// per delivery of a letter to a kommune, from the journal. Pure.
//
// Excel-friendly on purpose (issue 12 left the flavour open): UTF-8 with a
// byte order mark (without it Excel reads UTF-8 as Windows-1252 and garbles
// æ/ø/å), ";" as separator (Excel's default in a Danish locale, where ","
// is the decimal comma), CRLF line ends and RFC 4180 quoting. Times are
// Danish local time as "2026-11-25 23:40:01", which Excel takes as a
// date-time in any locale. A field that starts with = + - @ (which Excel
// would run as a formula) gets a leading apostrophe (OWASP "CSV injection").
import { formatSortableTime } from '../danish.js';
import type { Manifest } from '../letters/manifest.js';
import type { SendStatusMap } from './send-status.js';

export const RECORDS_HEADER = [
  'kommunekode',
  'kommune',
  'adresse',
  'tidspunkt',
  'message-id',
  'fil',
  'sha256',
  'journalnummer',
] as const;

function field(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[;"\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** The CSV text, BOM included, one line per delivery in the order they happened. */
export function recordsCsv(manifest: Manifest, status: SendStatusMap): string {
  const names = new Map(manifest.letters.map((l) => [l.kommunekode, l.navn]));
  const rows = [...status.values()]
    .flatMap((s) => s.deliveries.map((d) => ({ kode: s.kommunekode, d })))
    .sort((a, b) => a.d.at.localeCompare(b.d.at) || a.kode.localeCompare(b.kode));
  const lines = [
    RECORDS_HEADER.join(';'),
    ...rows.map(({ kode, d }) =>
      [
        kode,
        names.get(kode) ?? '',
        d.to,
        formatSortableTime(d.at),
        d.messageId,
        d.emlFile,
        d.sha256,
        d.journalnummer ?? '',
      ]
        .map(field)
        .join(';'),
    ),
  ];
  return `\ufeff${lines.join('\r\n')}\r\n`;
}
