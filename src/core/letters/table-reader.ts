// Reads a raw table's cells by canonical column name and collects problems
// with the header as the user wrote it; the table-wide scans (missing and
// unknown columns, CPR-like text) live here too. Pure.
import { findCprLike, maskCpr, normalizeHeader } from './parse-values.js';
import { checkText, columnLimit } from './validate-cells.js';
import { checkRowShapes } from './validate-structure.js';
import type { Problem, RawTable } from '../types.js';

/** Reads cells by canonical column name and records problems with the header as the user wrote it. */
export class TableReader {
  readonly problems: Problem[] = [];
  constructor(readonly table: RawTable) {}

  has(column: string): boolean {
    return this.table.headers[normalizeHeader(column)] !== undefined;
  }

  header(column: string): string {
    return this.table.headers[normalizeHeader(column)] ?? column;
  }

  cell(cells: Record<string, string>, column: string): string {
    return (cells[normalizeHeader(column)] ?? '').trim();
  }

  add(p: Omit<Problem, 'file' | 'column'> & { column?: string }): void {
    this.problems.push({
      ...p,
      file: this.table.file,
      ...(p.column === undefined ? {} : { column: this.header(p.column) }),
    });
  }

  /** Reports each missing column once; true when none is missing. */
  requireColumns(columns: readonly string[]): boolean {
    let complete = true;
    for (const c of columns) {
      if (!this.has(c)) {
        this.problems.push({
          code: 'missing-column',
          severity: 'error',
          file: this.table.file,
          row: 1,
          column: c,
          message: `Kolonnen »${c}« mangler i overskriftsrækken.`,
        });
        complete = false;
      }
    }
    return complete;
  }

  /** Reports rows whose field count differs from the header's; returns their numbers. */
  checkShapes(required: readonly string[]): Set<number> {
    const shape = checkRowShapes(this.table, new Set(required.map(normalizeHeader)));
    this.problems.push(...shape.problems);
    return shape.badRows;
  }

  warnUnknownColumns(known: readonly string[]): void {
    const knownKeys = new Set(known.map(normalizeHeader));
    for (const [key, header] of Object.entries(this.table.headers)) {
      if (!knownKeys.has(key)) {
        this.problems.push({
          code: 'unknown-column',
          severity: 'warning',
          file: this.table.file,
          row: 1,
          column: header,
          message: 'Ukendt kolonne; den bliver ikke brugt.',
        });
      }
    }
  }

  /** Cells (`row:key`) refused for their characters or length; not validated further. */
  private readonly refused = new Set<string>();

  isRefused(row: number, column: string): boolean {
    return this.refused.has(`${row}:${normalizeHeader(column)}`);
  }

  /**
   * Characters and lengths of every cell in the known columns (unknown
   * columns are not used, so not judged). Rows in `skip` are not read.
   */
  scanCells(known: readonly string[], skip: ReadonlySet<number>): void {
    const keys = known.map(normalizeHeader).filter((k) => this.table.headers[k] !== undefined);
    for (const { row, cells } of this.table.rows) {
      if (skip.has(row)) continue;
      for (const key of keys) {
        const value = (cells[key] ?? '').trim();
        if (value === '') continue;
        const problem = checkText(value, columnLimit(key));
        if (!problem) continue;
        this.refused.add(`${row}:${key}`);
        this.problems.push({
          code: problem.code,
          severity: 'error',
          file: this.table.file,
          row,
          column: this.table.headers[key] ?? key,
          // Enough to find the cell; a 10 MB cell is not repeated.
          value: problem.code === 'too-long' ? value.slice(0, 80) : value.slice(0, 200),
          message: problem.message,
        });
      }
    }
  }

  /** Personal data must never reach a letter: flag CPR-like text in every cell. */
  scanForCpr(): void {
    for (const { row, cells } of this.table.rows) {
      for (const [key, value] of Object.entries(cells)) {
        if (findCprLike(value).length > 0) {
          this.problems.push({
            code: 'cpr-like',
            severity: 'error',
            file: this.table.file,
            row,
            column: this.table.headers[key] ?? key,
            value: maskCpr(value),
            message:
              'Feltet indeholder noget, der ligner et CPR-nummer. Personoplysninger må ikke komme med i brevene; fjern det.',
          });
        }
      }
    }
  }
}
