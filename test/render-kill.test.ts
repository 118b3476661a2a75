// A render is all or nothing for the out folder: killed with SIGKILL at any
// step of writing and swapping (a test hook kills the process at its N-th
// step) or at a random moment from outside, the folder holds the previous
// render intact or the new one whole; or, killed after the commit point,
// the new one whole in the staging folder with a page saying so, which the
// next command finishes. The send journal is never touched. No verdict here
// depends on timing: every outcome of a kill is classified the same way.
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sha256 } from '../src/core/sha256.js';
import { tempDir } from './helpers/cli.js';
import { readRecords, writeRecords } from './helpers/csv.js';
import { cleanEnv, renderedFixture, runCliAsync, type SendFixture } from './helpers/send-data.js';
import { startSmtp, type TestSmtp } from './helpers/smtp.js';

const HEAVY = 600_000; // hang guard only

/** Everything in the barometer folder except the staging folder: name → sha256. */
function snapshot(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const f of readdirSync(dir))
    if (!f.startsWith('.') && f !== 'render.lock') out.set(f, sha256(readFileSync(join(dir, f))));
  return out;
}

function same(a: Map<string, string>, b: Map<string, string>): boolean {
  return a.size === b.size && [...a].every(([k, v]) => b.get(k) === v);
}

let base: SendFixture;
let before: Map<string, string>;
let after: Map<string, string>;
let server: TestSmtp;

/** A private copy of the fixture: data changed so the new render differs everywhere, the old render and its journal in place. */
function copy(): SendFixture {
  const root = tempDir('kommunebrev-kill-');
  cpSync(base.root, root, { recursive: true });
  return { ...base, root, data: join(root, 'data'), out: join(root, 'out'), dir: join(root, 'out', '2023-ledsagelse') };
}

function render(f: SendFixture, env: Record<string, string> = {}) {
  return spawnSync(process.execPath, [f.bin, 'render', '--data', f.data, '--out', f.out], {
    encoding: 'utf8',
    env: cleanEnv(env),
  });
}

type Verdict = 'old' | 'new' | 'committed';

/** What a killed render left. Anything but these three fails the test. */
function classify(f: SendFixture): Verdict {
  const now = snapshot(f.dir);
  const committed = existsSync(join(f.dir, '.render-staging', 'commit.json'));
  // Killed right at the commit point: the folder is still the old render, untouched.
  if (same(now, before)) return committed ? 'committed' : 'old';
  // Killed after the last rename: the new render is in place (the staging folder is left to clean up).
  if (same(now, after)) return 'new';
  expect(committed, `neither old nor new, and not committed: ${[...now.keys()].join(' ')}`).toBe(true);
  // Committed and the swap begun: the preview page says plainly that the folder is not finished.
  expect(readFileSync(join(f.dir, 'index.html'), 'utf8')).toContain('Brevene i denne mappe er ved at blive skrevet om');
  return 'committed';
}

/** After a kill: status finishes (or discards) what was left, and the folder is whole. */
async function settleAndCheck(f: SendFixture, verdict: Verdict): Promise<void> {
  const journal = readFileSync(join(base.dir, 'send-journal.jsonl'));
  expect(readFileSync(join(f.dir, 'send-journal.jsonl')).equals(journal)).toBe(true);
  const st = await runCliAsync(f.bin, ['status', '--out', f.out]);
  expect(st.code, st.stderr).toBe(0);
  if (verdict === 'committed') expect(st.stderr).toMatch(/den er nu gjort færdig, så mappen igen er hel/);
  expect(snapshot(f.dir)).toEqual(verdict === 'old' ? before : after);
  expect(existsSync(join(f.dir, '.render-staging'))).toBe(false);
  expect(existsSync(join(f.dir, 'render.lock'))).toBe(false);
  expect(readFileSync(join(f.dir, 'send-journal.jsonl')).equals(journal)).toBe(true);
}

beforeAll(async () => {
  base = renderedFixture();
  // A journal in the folder (a real send), which no render may lose.
  server = await startSmtp();
  const sent = await runCliAsync(base.bin, ['send', '--data', base.data, '--out', base.out, '--yes'], {
    SMTP_URL: server.url,
  });
  if (sent.code !== 0) throw new Error(sent.stderr);
  // New data: a new letter date (every letter changes), 751 renamed (its file names change),
  // 825 without cases (its files go).
  const bj = join(base.data, 'barometer.json');
  writeFileSync(bj, readFileSync(bj, 'utf8').replace(/"brevdato": "[^"]+"/, '"brevdato": "2024-05-10"'));
  const kommuner = readRecords(join(base.data, 'kommuner.csv'));
  for (const r of kommuner) if (r[0] === '751') r[1] = 'Aarhus Midt Kommune';
  writeRecords(join(base.data, 'kommuner.csv'), kommuner);
  const sager = readRecords(join(base.data, 'sager.csv'));
  writeRecords(
    join(base.data, 'sager.csv'),
    sager.filter((r) => r[1] !== '825'),
  );

  before = snapshot(base.dir);
  const ref = copy();
  const r = render(ref);
  if (r.status !== 0) throw new Error(r.stderr);
  after = snapshot(ref.dir);
  expect([...after.keys()]).toContain('751-aarhus-midt-kommune.pdf');
  expect([...after.keys()]).not.toContain('825-laesoe-kommune.pdf');
}, HEAVY);
afterAll(async () => {
  await server?.close();
});

describe('a render killed at any step', () => {
  it(
    'leaves the old render intact, the new one whole, or the new one committed and finished by the next command',
    async () => {
      const seen: Record<Verdict, number> = { old: 0, new: 0, committed: 0 };
      let steps = 0;
      // Every third step: all phases are hit (17 staged files, the commit, the swap page, 16 renames, 6 removals, index.html).
      for (let n = 1; ; n += 3) {
        const f = copy();
        const r = render(f, { KOMMUNEBREV_TEST_KILL_AT_STEP: String(n) });
        if (r.status === 0) break; // the render has fewer than n steps: it ran to the end
        expect(r.signal, r.stderr).toBe('SIGKILL');
        steps = n;
        const verdict = classify(f);
        seen[verdict]++;
        await settleAndCheck(f, verdict);
      }
      // Every phase was hit: staging (old intact), the swap (committed) and the very end (new whole).
      expect(steps).toBeGreaterThan(20);
      expect(seen.old).toBeGreaterThan(0);
      expect(seen.committed).toBeGreaterThan(0);
    },
    HEAVY,
  );

  it(
    'a first render (no earlier one): killed before its commit, nothing is there; after it, status finishes it',
    async () => {
      const fresh = copy();
      rmSync(fresh.out, { recursive: true });
      const ref = render(fresh);
      if (ref.status !== 0) throw new Error(ref.stderr);
      const whole = snapshot(fresh.dir);
      let committed = 0;
      for (let n = 2; ; n += 4) {
        const f = copy();
        rmSync(f.out, { recursive: true });
        const r = render(f, { KOMMUNEBREV_TEST_KILL_AT_STEP: String(n) });
        if (r.status === 0) break;
        expect(r.signal, r.stderr).toBe('SIGKILL');
        const wasCommitted = existsSync(join(f.dir, '.render-staging', 'commit.json'));
        const st = await runCliAsync(f.bin, ['status', '--out', f.out]);
        if (wasCommitted) {
          committed++;
          expect(st.code, st.stderr).toBe(0);
          // index.html: status writes it with the (empty) send status, so compare the page by what it shows.
          const now = snapshot(f.dir);
          expect(readFileSync(join(f.dir, 'index.html'), 'utf8')).toContain('Forhåndsvisning af brevene');
          now.delete('index.html');
          const want = new Map(whole);
          want.delete('index.html');
          expect(now).toEqual(want);
        } else {
          expect(st.code).toBe(2);
          expect(st.stderr).toMatch(/Der er ingen breve \(manifest\.json\)/);
          expect([...snapshot(f.dir).keys()]).toEqual([]);
        }
      }
      expect(committed).toBeGreaterThan(0);
    },
    HEAVY,
  );

  it(
    'killed before it staged anything: only its lock is left, and the next command clears it',
    async () => {
      const f = copy();
      // The pid of a process that has ended: the lock's holder is gone.
      const dead = spawnSync(process.execPath, ['-e', '0']).pid;
      writeFileSync(
        join(f.dir, 'render.lock'),
        `${JSON.stringify({ pid: dead, host: hostname(), started: new Date().toISOString() })}\n`,
      );
      await settleAndCheck(f, 'old');
    },
    HEAVY,
  );

  it(
    'killed from outside at random moments, the same holds',
    async () => {
      for (let i = 0; i < 4; i++) {
        const f = copy();
        const child = spawn(process.execPath, [f.bin, 'render', '--data', f.data, '--out', f.out], {
          env: cleanEnv({}),
          stdio: 'ignore',
        });
        const exited = new Promise<void>((resolve) => child.on('close', () => resolve()));
        setTimeout(() => child.kill('SIGKILL'), Math.floor(Math.random() * 2000));
        await exited;
        const verdict = classify(f);
        await settleAndCheck(f, verdict);
      }
    },
    HEAVY,
  );
});
