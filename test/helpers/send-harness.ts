// The shared setup of the send end-to-end tests: one rendered fixture per
// file, a private copy per test, SMTP servers closed after each test, and a
// `send` runner. Call useSendHarness() at the top level of a test file.
import { cpSync, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeAll, expect } from 'vitest';
import { JOURNAL_FILE, parseJournal, type JournalEntry } from '../../src/core/send/journal.js';
import { tempDir } from './cli.js';
import { renderedFixture, runCliAsync, type FixtureOptions, type SendFixture } from './send-data.js';
import { startSmtp, type Behaviour, type TestSmtp } from './smtp.js';

export function useSendHarness(options: FixtureOptions = {}) {
  let base: SendFixture;
  beforeAll(() => {
    base = renderedFixture(options);
  });

  /** A private copy of the rendered base fixture. */
  function fixture(): SendFixture {
    const root = tempDir('kommunebrev-send-');
    cpSync(base.root, root, { recursive: true });
    return {
      root,
      data: join(root, 'data'),
      out: join(root, 'out'),
      dir: join(root, 'out', '2023-ledsagelse'),
      bin: base.bin,
    };
  }

  const servers: TestSmtp[] = [];
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => s.close()));
  });
  async function smtp(b: Behaviour = {}): Promise<TestSmtp> {
    const s = await startSmtp(b);
    servers.push(s);
    return s;
  }

  function send(
    f: SendFixture,
    server: TestSmtp | string | undefined,
    extra: string[] = [],
    env: Record<string, string | undefined> = {},
  ) {
    const url = typeof server === 'string' ? server : server?.url;
    return runCliAsync(f.bin, ['send', '--data', f.data, '--out', f.out, '--yes', ...extra], {
      ...(url ? { SMTP_URL: url } : {}),
      ...env,
    });
  }

  return { fixture, smtp, send };
}

/** The fixture's send journal, which must never be damaged. */
export function journalOf(f: SendFixture): JournalEntry[] {
  const path = join(f.dir, JOURNAL_FILE);
  if (!existsSync(path)) return [];
  const p = parseJournal(readFileSync(path));
  expect(p.damaged).toEqual([]);
  return p.entries;
}
