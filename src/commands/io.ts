// What a command may do to the terminal, passed in so commands stay testable.
import { formatProblems, summarizeProblems, warningsOf } from '../core/problems.js';
import type { Problem } from '../core/types.js';

export interface Io {
  out(text: string): void;
  /** Writes to stdout exactly as given (no newline added), e.g. a CSV file with CRLF line ends. */
  write(text: string): void;
  err(text: string): void;
  /** Writes to stderr exactly as given (no newline added), e.g. a progress line redrawn in place. */
  errWrite(text: string): void;
  /** True when stderr is a terminal (progress may redraw a line). */
  errIsTTY: boolean;
  /** The terminal's width when stderr is a terminal. */
  readonly errColumns?: number | undefined;
  /** True when stdin and stdout are a terminal (questions may be asked). */
  interactive: boolean;
  /** Asks a question on the terminal; resolves to the answer. */
  ask(question: string): Promise<string>;
}

export const EXIT_OK = 0;
export const EXIT_INVALID = 1;
export const EXIT_USAGE = 2;

/** A mistake in how the command was called: message in Danish, exit code 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export function reportInvalid(io: Io, problems: readonly Problem[]): number {
  io.err(formatProblems(problems));
  io.err('');
  io.err(`Data er ikke gyldige: ${summarizeProblems(problems)}. Intet er skrevet eller sendt.`);
  return EXIT_INVALID;
}

export function reportWarnings(io: Io, problems: readonly Problem[]): void {
  const warnings = warningsOf(problems);
  if (warnings.length > 0) io.err(formatProblems(warnings));
}

/** A progress line: redrawn in place on a terminal, every quarter otherwise. */
export function progress(io: Io, label: string, total: number): (done: number, what?: string) => void {
  let lastQuarter = -1;
  return (done, what) => {
    if (io.errIsTTY) {
      const width = 24;
      const filled = total === 0 ? width : Math.round((done / total) * width);
      const line = `${label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total}${what ? ` ${what}` : ''}`;
      io.errWrite(`\r\x1b[2K${line.slice(0, (io.errColumns || 100) - 1)}${done === total ? '\n' : ''}`);
      return;
    }
    const quarter = total === 0 ? 4 : Math.floor((done / total) * 4);
    if (quarter !== lastQuarter && (quarter > 0 || done === 0)) {
      lastQuarter = quarter;
      io.err(`${label}: ${done}/${total}`);
    }
  };
}
