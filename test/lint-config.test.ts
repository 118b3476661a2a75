// The lint rule that keeps src/core pure (README, Architecture) is itself
// tested: a probe file is linted as if it lived in src/core, through the real
// ESLint command line and the project's own config.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO } from './helpers/cli.js';

const ESLINT = join(REPO, 'tools', 'lint', 'node_modules', '.bin', 'eslint');

interface LintMessage {
  ruleId: string | null;
  line: number;
  message: string;
}

/** Lints `code` as the file `path` (relative to the repository) and returns its messages. */
function lint(path: string, code: string): LintMessage[] {
  const r = spawnSync(ESLINT, ['--format', 'json', '--stdin', '--stdin-filename', path], {
    cwd: REPO,
    input: code,
    encoding: 'utf8',
  });
  if (r.status !== 0 && r.status !== 1) throw new Error(`eslint failed (${r.status}): ${r.stderr}`);
  const [result] = JSON.parse(r.stdout) as { messages: LintMessage[] }[];
  return result?.messages ?? [];
}

const PROBE = [
  "import { readFileSync } from 'node:fs';",
  "import { spawn } from 'child_process';",
  "import { request } from 'node:https';",
  "import { createServer } from 'node:http';",
  "import { connect } from 'node:net';",
  "import { Worker } from 'node:worker_threads';",
  "import type { Io } from '../../commands/io.js';",
  "import { readOutput } from '../../adapters/letters/read-output.js';",
  'export const used = [readFileSync, spawn, request, createServer, connect, Worker, readOutput] as unknown as Io;',
  "export const later = (): Promise<unknown> => import('node:fs');",
  '',
].join('\n');

describe('lint: src/core stays pure', () => {
  it('has its tooling installed (npm ci installs tools/lint)', () => {
    expect(existsSync(ESLINT)).toBe(true);
  });

  it('rejects I/O modules and imports of adapters or commands inside src/core, line by line', () => {
    const messages = lint('src/core/send/probe.ts', PROBE);
    const restricted = messages.filter(
      (m) => m.ruleId === 'no-restricted-imports' || m.ruleId === 'no-restricted-syntax',
    );
    expect(restricted.map((m) => m.line)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 10]);
    expect(restricted[0]?.message).toContain('src/core is pure');
    expect(restricted[6]?.message).toContain('must not depend on adapters, commands');
  });

  it("allows net's pure address predicates in src/core", () => {
    const messages = lint(
      'src/core/send/probe.ts',
      "import { isIP } from 'node:net';\nexport const v4 = isIP('127.0.0.1') === 4;\n",
    );
    expect(messages).toEqual([]);
  });

  it('allows the same imports outside src/core (adapters do the I/O)', () => {
    const messages = lint(
      'src/adapters/letters/probe.ts',
      PROBE.replace("import type { Io } from '../../commands/io.js';\n", '').replace(' as unknown as Io', ''),
    );
    expect(messages.filter((m) => m.ruleId?.startsWith('no-restricted'))).toEqual([]);
  });
});
