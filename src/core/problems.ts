// Problems are values; this is the one place that turns them into text.
import { countText } from './danish.js';
import type { Problem } from './types.js';

export function hasErrors(problems: readonly Problem[]): boolean {
  return problems.some((p) => p.severity === 'error');
}

export function errorsOf(problems: readonly Problem[]): Problem[] {
  return problems.filter((p) => p.severity === 'error');
}

export function warningsOf(problems: readonly Problem[]): Problem[] {
  return problems.filter((p) => p.severity === 'warning');
}

/** Stable order: by file, then row, then column, errors before warnings at the same place. */
export function sortProblems(problems: readonly Problem[]): Problem[] {
  return [...problems].sort(
    (a, b) =>
      compareText(a.file, b.file) ||
      (a.row ?? 0) - (b.row ?? 0) ||
      compareText(a.column ?? '', b.column ?? '') ||
      (a.severity === b.severity ? 0 : a.severity === 'error' ? -1 : 1),
  );
}

/**
 * localeCompare, asked only when the texts differ: the first localeCompare of
 * a process sets up ICU's collation (~5 ms), and problems mostly share their
 * file (equal texts compare as 0 either way).
 */
function compareText(a: string, b: string): number {
  return a === b ? 0 : a.localeCompare(b);
}

/** Line breaks and control characters made visible: an ESC or a bidi override must not reach the terminal. */
function visible(text: string): string {
  return text
    .replace(/\r\n|\r|\n/g, '⏎')
    .replace(
      /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069\u2028\u2029]/g,
      (c) => `‹U+${(c.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}›`,
    );
}

/** Shows a value inside »…«, made visible and with long text shortened. */
export function quoteValue(value: string): string {
  let v = visible(value);
  // By code point, so a character outside the BMP is never cut in half.
  if (v.length > 60) v = `${Array.from(v).slice(0, 57).join('')}…`;
  return `»${v}«`;
}

/** A sheet name as Danish Excel text refers to it: plain when it is one word, else quoted. */
function sheetName(name: string): string {
  // A sheet name is the user's text too: control characters are shown, not sent to the terminal.
  return /^[\p{L}\p{N}_]+$/u.test(name) ? name : `»${visible(name)}«`;
}

/** One line per problem, in Danish, e.g.
 *  "fejl: sager.csv, række 14, kolonne »afgørelsesdato«, værdi »31-02-2022«: Datoen findes ikke."
 *  "fejl: sager.xlsx, ark Sager, celle C14, række 14, kolonne »afgørelsesdato«, værdi …: …" */
export function formatProblem(p: Problem): string {
  const where: string[] = [p.file];
  if (p.sheet !== undefined) where.push(`ark ${sheetName(p.sheet)}`);
  if (p.cell !== undefined) where.push(`celle ${p.cell}`);
  if (p.row !== undefined) where.push(`række ${p.row}`);
  // JSON files have fields, not columns.
  // A column is a header cell as the user wrote it: it may hold anything too.
  if (p.column !== undefined) where.push(`${p.file.endsWith('.json') ? 'felt' : 'kolonne'} »${visible(p.column)}«`);
  if (p.value !== undefined) where.push(`værdi ${quoteValue(p.value)}`);
  const label = p.severity === 'error' ? 'fejl' : 'advarsel';
  return `${label}: ${where.join(', ')}: ${p.message}`;
}

export function formatProblems(problems: readonly Problem[]): string {
  return sortProblems(problems).map(formatProblem).join('\n');
}

/** "3 fejl og 1 advarsel" */
export function summarizeProblems(problems: readonly Problem[]): string {
  const e = errorsOf(problems).length;
  const w = warningsOf(problems).length;
  return `${countText(e, 'fejl', 'fejl')} og ${countText(w, 'advarsel', 'advarsler')}`;
}
