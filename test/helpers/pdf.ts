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
    execFileSync('pdftotext', ['-layout', '-enc', 'UTF-8', file, '-'], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 }),
  );
}

/** The text of each page (pdftotext ends every page with \f; the empty tail is dropped). */
export function pdfPages(pathOrBuffer: string | Uint8Array): string[] {
  const pages = pdfToText(pathOrBuffer).split('\f');
  if (pages.length > 0 && pages[pages.length - 1]?.trim() === '') pages.pop();
  return pages;
}

/** pdfinfo's fields, e.g. { Title: '...', Pages: '3', 'PDF version': '1.4' }. */
export function pdfInfo(pathOrBuffer: string | Uint8Array): Record<string, string> {
  const out = withPdfFile(pathOrBuffer, (file) => execFileSync('pdfinfo', ['-enc', 'UTF-8', file], { encoding: 'utf8' }));
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
