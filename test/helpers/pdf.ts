// Reading PDFs back in tests, with the same tools a reviewer would use:
// poppler (pdftotext, pdfinfo) and Apache PDFBox Preflight for PDF/A-1b.
// Tests that need a tool should skip with a clear message when it is missing:
//   describe.skipIf(!hasCommand('pdftotext'))('... (needs poppler-utils)', ...)
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** True when `name` can be run (found on PATH). */
export function hasCommand(name: string): boolean {
  const r = spawnSync('sh', ['-c', 'command -v "$1"', 'sh', name], { stdio: 'ignore' });
  return r.status === 0;
}

/** Runs `fn` with a path to the PDF: the path itself, or a temp file holding the buffer. */
function withPdfFile<T>(pathOrBuffer: string | Uint8Array, fn: (path: string) => T): T {
  if (typeof pathOrBuffer === 'string') return fn(pathOrBuffer);
  const dir = mkdtempSync(join(tmpdir(), 'kommunebrev-pdf-'));
  try {
    const file = join(dir, 'brev.pdf');
    writeFileSync(file, pathOrBuffer);
    return fn(file);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The PDF's text as poppler lays it out (pages separated by form feeds, \f). */
export function pdfToText(pathOrBuffer: string | Uint8Array): string {
  return withPdfFile(pathOrBuffer, (file) =>
    execFileSync('pdftotext', ['-layout', '-enc', 'UTF-8', file, '-'], {
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
    }),
  );
}

/** The PDF's text in reading order (no -layout): each table cell comes out whole,
 *  so a case's row can be read as one run of text. */
export function pdfToReadingText(pathOrBuffer: string | Uint8Array): string {
  return withPdfFile(pathOrBuffer, (file) =>
    execFileSync('pdftotext', ['-enc', 'UTF-8', file, '-'], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 }),
  );
}

export interface PdfWord {
  page: number;
  left: number;
  top: number;
  text: string;
}

/** Every word with its page and position (pdftotext -tsv), in content order. */
export function pdfWords(pathOrBuffer: string | Uint8Array): PdfWord[] {
  const tsv = withPdfFile(pathOrBuffer, (file) =>
    execFileSync('pdftotext', ['-tsv', '-enc', 'UTF-8', file, '-'], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 }),
  );
  return tsv
    .split('\n')
    .slice(1)
    .map((line) => line.split('\t'))
    .filter((f) => f[0] === '5' && f[11] !== undefined)
    .map((f) => ({ page: Number(f[1]), left: Number(f[6]), top: Number(f[7]), text: f[11] as string }));
}

/** Table rows of a PDF, rebuilt from word positions. A row starts at a word
 *  matching `rowStart` (e.g. a sagsnummer) and holds every word below it down to
 *  the next row start or an `isEnd` word on the same page. Above a full-width
 *  `noteStart` word (e.g. "Bemærkning:") words are read column by column
 *  (columns start at `columnLefts`), each top to bottom, so a cell wrapped over
 *  two lines reads as one; the note is read line by line. */
export function pdfTableRows(
  words: readonly PdfWord[],
  opts: {
    rowStart: (w: PdfWord) => boolean;
    isEnd: (w: PdfWord) => boolean;
    noteStart: string;
    columnLefts: (page: number) => number[];
  },
): { key: string; cells: string; note?: string }[] {
  const starts = words.filter(opts.rowStart).sort((a, b) => a.page - b.page || a.top - b.top);
  const byLine = (a: PdfWord, b: PdfWord) => a.top - b.top || a.left - b.left;
  return starts.map((s, i) => {
    const next = starts[i + 1];
    const stopTop = Math.min(
      next && next.page === s.page ? next.top : Infinity,
      ...words.filter((e) => e.page === s.page && e.top > s.top && opts.isEnd(e)).map((e) => e.top),
    );
    const inRow = words.filter((w) => w.page === s.page && w.top >= s.top - 1 && w.top < stopTop - 1);
    const note = inRow.filter((w) => w.text === opts.noteStart).sort(byLine)[0];
    const cellWords = note ? inRow.filter((w) => w.top < note.top - 1) : inRow;
    const noteWords = note ? inRow.filter((w) => w.top >= note.top - 1).sort(byLine) : [];
    const lefts = opts.columnLefts(s.page);
    const column = (w: PdfWord) => lefts.filter((l) => w.left >= l - 1).length;
    const cells = [...cellWords]
      .sort((a, b) => column(a) - column(b) || byLine(a, b))
      .map((w) => w.text)
      .join(' ');
    return {
      key: s.text,
      cells,
      ...(note
        ? {
            note: noteWords
              .slice(1)
              .map((w) => w.text)
              .join(' '),
          }
        : {}),
    };
  });
}

/** The text of each page (pdftotext ends every page with \f; the empty tail is dropped). */
export function pdfPages(pathOrBuffer: string | Uint8Array): string[] {
  const pages = pdfToText(pathOrBuffer).split('\f');
  if (pages.length > 0 && pages[pages.length - 1]?.trim() === '') pages.pop();
  return pages;
}

/** pdfinfo's fields, e.g. { Title: '...', Pages: '3', 'PDF version': '1.4' }. */
export function pdfInfo(pathOrBuffer: string | Uint8Array): Record<string, string> {
  const out = withPdfFile(pathOrBuffer, (file) =>
    execFileSync('pdfinfo', ['-enc', 'UTF-8', file], { encoding: 'utf8' }),
  );
  const info: Record<string, string> = {};
  for (const line of out.split('\n')) {
    const m = /^([^:]+):\s*(.*)$/.exec(line);
    if (m?.[1] !== undefined) info[m[1].trim()] = m[2] ?? '';
  }
  return info;
}

/** Collapses all runs of whitespace to one space, for comparing wrapped text. */
export function squash(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

// ---------------------------------------------------------------------------
// PDF/A-1b preflight (Apache PDFBox 2, Debian package libpdfbox2-java et al.)

const JAVA_DIR = '/usr/share/java';
export const PREFLIGHT_JARS = [
  'preflight.jar',
  'pdfbox2.jar',
  'fontbox2.jar',
  'xmpbox.jar',
  'commons-logging.jar',
  'javax.activation.jar',
  'jaxb-api.jar',
].map((jar) => join(JAVA_DIR, jar));

/** True when java and every jar that preflight needs are installed. */
export function hasPreflight(): boolean {
  return hasCommand('java') && PREFLIGHT_JARS.every((jar) => existsSync(jar));
}

/**
 * Validates a file against PDF/A-1b with PDFBox Preflight. Preflight prints
 * "The file X is a valid PDF/A-1b file" and exits 0 when valid; otherwise it
 * lists "<clause> : <message>" lines and exits non-zero.
 */
export function preflightPdfA1b(path: string): { valid: boolean; output: string } {
  const r = spawnSync('java', ['-cp', PREFLIGHT_JARS.join(':'), 'org.apache.pdfbox.preflight.Validator_A1b', path], {
    encoding: 'utf8',
    maxBuffer: 16 * 1024 * 1024,
  });
  const output = `${r.stdout ?? ''}${r.stderr ?? ''}`.trim();
  return { valid: r.status === 0 && /is a valid PDF\/A-1b file/.test(output), output };
}
