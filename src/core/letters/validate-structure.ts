// Structure before content: a CSV row whose field count differs from the
// header's is reported as that, with its row number, instead of as the
// shifted-cell errors it would otherwise cause (an unquoted ";" in a cell
// splits it and moves the rest of the row one column right; an unquoted line
// break splits the row in two). Such rows are not read further. Pure.
import type { Problem, RawTable } from '../types.js';

export interface StructureCheck {
  problems: Problem[];
  /** Rows (spreadsheet numbers) whose cells cannot be trusted. */
  badRows: Set<number>;
}

/** The most common field count among the rows (ties: the smaller). */
function usualCount(table: RawTable): number | undefined {
  const seen = new Map<number, number>();
  for (const r of table.rows) if (r.fields !== undefined) seen.set(r.fields, (seen.get(r.fields) ?? 0) + 1);
  let best: [number, number] | undefined;
  for (const [count, times] of seen)
    if (!best || times > best[1] || (times === best[1] && count < best[0])) best = [count, times];
  return best?.[0];
}

/**
 * Accepted besides the header's count: more fields when the extra ones are
 * empty and every row has as many (a tool that ends each line with a
 * separator), and fewer when no required column is left out (a tool that
 * drops empty trailing fields, e.g. an empty bemærkning). `required` holds
 * canonical keys (normalizeHeader).
 */
export function checkRowShapes(table: RawTable, required: ReadonlySet<string>): StructureCheck {
  const problems: Problem[] = [];
  const badRows = new Set<number>();
  const columns = table.columns;
  if (!columns) return { problems, badRows };
  const header = columns.length;
  const usual = usualCount(table);
  for (const r of table.rows) {
    const n = r.fields;
    if (n === undefined || n === header) continue;
    if (n > header && !r.extra && n === usual) continue;
    if (n < header && columns.slice(n).every((key) => key === undefined || !required.has(key))) continue;
    badRows.add(r.row);
    problems.push({
      code: 'field-count',
      severity: 'error',
      file: table.file,
      row: r.row,
      message:
        `Række ${r.row} har ${n} felter, overskriften har ${header}. ` +
        (n > header
          ? 'Et skilletegn (; eller ,) i en celle uden anførselstegn deler cellen og flytter resten af rækken; sæt cellen i anførselstegn (") eller fjern skilletegnet.'
          : 'Der mangler felter (et linjeskift i en celle uden anførselstegn deler rækken i to); ret rækken.'),
    });
  }
  return { problems, badRows };
}
