// kommuner.csv: one kommune per row, keyed by kommunekode. Pure.
import { parseKommunekode } from './parse-values.js';
import type { TableReader } from './table-reader.js';
import { checkEmailLength } from './validate-cells.js';
import type { Kommune } from '../types.js';

export const KOMMUNER_COLUMNS = ['kommunekode', 'navn', 'adresse', 'postnummer', 'by', 'email'] as const;

const EMAIL_PATTERN = /^[^\s@<>(),;:"]+@[^\s@<>(),;:"]+\.[^\s@<>(),;:"]+$/;

export function validateKommuner(reader: TableReader): Map<string, Kommune> {
  reader.requireColumns(KOMMUNER_COLUMNS);
  reader.warnUnknownColumns(KOMMUNER_COLUMNS);
  reader.scanForCpr();
  const byKode = new Map<string, Kommune>();
  if (!reader.has('kommunekode')) return byKode;
  // The address columns may be empty (kommuner without cases), so a row may end early.
  const badRows = reader.checkShapes(['kommunekode', 'navn']);
  reader.scanCells(KOMMUNER_COLUMNS, badRows);

  for (const { row, cells } of reader.table.rows) {
    if (badRows.has(row) || reader.isRefused(row, 'kommunekode')) continue;
    const rawKode = reader.cell(cells, 'kommunekode');
    if (rawKode === '') {
      reader.add({ code: 'empty-cell', severity: 'error', row, column: 'kommunekode', message: 'Cellen er tom.' });
      continue;
    }
    const kode = parseKommunekode(rawKode);
    if (!kode.ok) {
      reader.add({
        code: 'invalid-kommunekode',
        severity: 'error',
        row,
        column: 'kommunekode',
        value: rawKode,
        message: kode.reason,
      });
      continue;
    }
    const existing = byKode.get(kode.value);
    if (existing) {
      reader.add({
        code: 'duplicate-kommunekode',
        severity: 'error',
        row,
        column: 'kommunekode',
        value: rawKode,
        message: `Kommunekoden står også i række ${existing.row}.`,
      });
      continue;
    }
    const navn = reader.cell(cells, 'navn');
    if (reader.has('navn') && navn === '') {
      reader.add({
        code: 'empty-cell',
        severity: 'error',
        row,
        column: 'navn',
        message: 'Cellen er tom; kommunens navn skal med i brevet.',
      });
    }
    const email = reader.cell(cells, 'email');
    if (email !== '' && !reader.isRefused(row, 'email')) {
      const tooLong = checkEmailLength(email);
      if (!EMAIL_PATTERN.test(email) || tooLong) {
        reader.add({
          code: 'invalid-email',
          severity: 'error',
          row,
          column: 'email',
          value: email,
          message: `Det er ikke en gyldig e-mailadresse.${tooLong ? ` ${tooLong}` : ''}`,
        });
      }
    }
    byKode.set(kode.value, {
      kode: kode.value,
      navn,
      adresse: reader.cell(cells, 'adresse'),
      postnummer: reader.cell(cells, 'postnummer'),
      by: reader.cell(cells, 'by'),
      email,
      row,
    });
  }
  return byKode;
}
