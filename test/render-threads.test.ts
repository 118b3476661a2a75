// The letters do not depend on the thread that rendered them, and a helper
// or email thread that ends midway loses no letter: the whole example
// barometer is rendered by the real CLI on one rendering thread, then with
// helper threads, then with a helper or the email thread quitting after three
// letters, and every file is compared byte for byte (preview page and
// manifest too).
//
// The one-thread render shapes every word itself (no shaping cache); a render
// starting from the build's shaping seed (src/adapters/letters/shaping-cache.ts)
// must write the same bytes.
//
// The letters are also pinned: test/fixtures/example-letters.sha256 holds the
// sha256 of every PDF and .eml of the example barometer. Speed work must not
// change a byte; a change to the letters on purpose bumps RENDERER_VERSION
// (src/core/letters/freshness.ts, so earlier renders count as stale) and
// rewrites the list: `sha256sum *.pdf *.eml` in out/2023-ledsagelse, sorted by name.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { EXAMPLE_DATA, REPO, runCli, tempDir } from './helpers/cli.js';

const PINNED = join(REPO, 'test', 'fixtures', 'example-letters.sha256');

/** Hang guard for a full render of 98 letters; never a verdict. */
const RENDER_ALL = 900_000;

function render(env: Record<string, string>): { dir: string; stdout: string; stderr: string } {
  const out = tempDir('kommunebrev-threads-');
  const r = runCli(['render', '--data', EXAMPLE_DATA, '--out', out], { env });
  expect(r.code, r.stderr).toBe(0);
  return { dir: join(out, '2023-ledsagelse'), stdout: r.stdout, stderr: r.stderr };
}

/** The render's files (not the shaping cache, .shaping-cache.json: which words it holds depends on the threads). */
function files(dir: string): Map<string, Buffer> {
  return new Map(
    readdirSync(dir)
      .filter((f) => !f.startsWith('.'))
      .sort()
      .map((f) => [f, readFileSync(join(dir, f))]),
  );
}

function expectSameFiles(actual: string, expected: Map<string, Buffer>): void {
  const got = files(actual);
  expect([...got.keys()]).toEqual([...expected.keys()]);
  for (const [name, bytes] of expected) expect(got.get(name)?.equals(bytes), name).toBe(true);
}

describe('render on one thread and on several', () => {
  let oneThread: Map<string, Buffer>;

  beforeAll(() => {
    // Without the shaping cache: every word shaped by fontkit in this render.
    oneThread = files(render({ KOMMUNEBREV_THREADS: '1', KOMMUNEBREV_SHAPING_CACHE: '0' }).dir);
  }, RENDER_ALL);

  it('the one-thread render has all 98 letters as PDF and .eml, each byte as pinned', () => {
    const names = [...oneThread.keys()];
    expect(names.filter((n) => n.endsWith('.pdf'))).toHaveLength(98);
    expect(names.filter((n) => n.endsWith('.eml'))).toHaveLength(98);
    const pinned = readFileSync(PINNED, 'utf8')
      .trim()
      .split('\n')
      .map((line) => line.split(/\s+/).reverse() as [string, string]);
    const actual = names
      .filter((n) => /\.(pdf|eml)$/.test(n))
      .map((n) => [
        n,
        createHash('sha256')
          .update(oneThread.get(n) as Buffer)
          .digest('hex'),
      ]);
    expect(actual).toEqual(pinned);
  });

  it(
    "a render into a new folder starting from the build's shaping seed writes the same bytes (the seed had every word)",
    () => {
      const r = render({ KOMMUNEBREV_THREADS: '1' });
      expectSameFiles(r.dir, oneThread);
      // No word was new to the seed, so the folder got no cache of its own.
      expect(readdirSync(r.dir)).not.toContain('.shaping-cache.json');
    },
    RENDER_ALL,
  );

  it(
    'three threads write the same bytes as one',
    () => {
      expectSameFiles(render({ KOMMUNEBREV_THREADS: '3' }).dir, oneThread);
    },
    RENDER_ALL,
  );

  it(
    'an email thread that ends after three emails loses none: the main thread composes the rest, the same bytes',
    () => {
      const r = render({ KOMMUNEBREV_TEST_EMAIL_THREAD_EXIT_AFTER: '3' });
      expect(r.stdout).toContain('Skrev 98 breve');
      expectSameFiles(r.dir, oneThread);
    },
    RENDER_ALL,
  );

  it(
    'a helper that ends after three letters loses none: the main thread renders the rest, the same bytes',
    () => {
      const r = render({ KOMMUNEBREV_THREADS: '2', KOMMUNEBREV_TEST_HELPER_EXIT_AFTER: '3' });
      expect(r.stdout).toContain('Skrev 98 breve');
      expectSameFiles(r.dir, oneThread);
    },
    RENDER_ALL,
  );
});
