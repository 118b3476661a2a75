// The correction story on the whole example barometer (98 letters), with the
// real CLI and a real SMTP server on loopback: a corrected case makes only
// that kommune's letter stale; a batch send sends the other 97 and names the
// stale one; `render --kommune` rewrites it alone and leaves the manifest
// listing all 98 letters, every one fresh.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadBarometer } from '../src/commands/load.js';
import { assessFreshness } from '../src/core/letters/freshness.js';
import type { Manifest } from '../src/core/letters/manifest.js';
import { sha256 } from '../src/core/sha256.js';
import { BIN, copyExampleData, runCli, tempDir } from './helpers/cli.js';
import { readRecords, readRows, writeRecords } from './helpers/csv.js';
import { runCliAsync } from './helpers/send-data.js';
import { startSmtp, type TestSmtp } from './helpers/smtp.js';

// Heavy steps (98 PDFs) get generous timeouts as a hang guard only; no verdict depends on speed.
const HEAVY = 300_000;

const data = copyExampleData();
const out = tempDir();
const dir = join(out, '2023-ledsagelse');
const manifestNow = (): Manifest => JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as Manifest;
const address = new Map(
  readRows(join(data, 'kommuner.csv')).map((r) => [r.cells.kommunekode?.padStart(3, '0'), r.cells.email]),
);
let server: TestSmtp;
let before: Manifest;

function send(extra: string[] = []) {
  return runCliAsync(BIN, ['send', '--data', data, '--out', out, '--yes', ...extra], { SMTP_URL: server.url });
}

beforeAll(async () => {
  server = await startSmtp();
  const r = runCli(['render', '--data', data, '--out', out]);
  if (r.code !== 0) throw new Error(r.stderr);
  before = manifestNow();
}, HEAVY);
afterAll(async () => {
  await server.close();
});

describe('a corrected case after render', () => {
  it('makes exactly that letter stale', async () => {
    expect(before.letters).toHaveLength(98);
    for (const l of before.letters) expect(l.inputs, l.kommunekode).toBeDefined();
    // Correct the remark of one of Lyngby-Taarbæk's cases.
    const path = join(data, 'sager.csv');
    const records = readRecords(path);
    const header = records[0] ?? [];
    const kode = header.indexOf('kommunekode');
    const remark = header.indexOf('bemærkning');
    const row = records.find((r) => r[kode] === '173');
    if (!row) throw new Error('no case for 173');
    row[remark] = 'Rettet efter udsendelsen.';
    writeRecords(path, records);

    const loaded = await loadBarometer(data);
    if (!loaded.ok) throw new Error('data invalid');
    const report = assessFreshness(before, loaded);
    const stale = [...report.letters].filter(([, f]) => f.state === 'stale');
    expect(stale.map(([k, f]) => [k, f.state === 'stale' ? f.reasons.map((p) => p.code) : []])).toEqual([
      ['173', ['stale-cases']],
    ]);
  });

  it(
    'a batch send sends the 97 others, refuses the stale one by name and exits 1',
    async () => {
      const r = await send();
      expect(r.code, r.stderr).toBe(1);
      expect(r.stderr).toContain('173 Lyngby-Taarbæk Kommune: sagerne er ændret siden render.');
      expect(r.stderr).toMatch(/--kommune 173«/);
      const to = server.received.flatMap((m) => m.to);
      expect(to).toHaveLength(97);
      expect(new Set(to).size).toBe(97);
      expect(to).not.toContain(address.get('173'));
    },
    HEAVY,
  );

  it(
    'render --kommune 173 rewrites that letter alone; the manifest still lists all 98, every one fresh',
    async () => {
      const otherFiles = before.letters.filter((l) => l.kommunekode !== '173').flatMap((l) => [l.pdf, l.eml]);
      const page = (f: string) => join(dir, f.replace(/\.eml$/, '.email.html'));
      const otherPages = before.letters
        .filter((l) => l.kommunekode !== '173')
        .map((l) => ({
          path: page(l.eml.file),
          ino: statSync(page(l.eml.file)).ino,
          html: readFileSync(page(l.eml.file)),
        }));
      const r = runCli(['render', '--data', data, '--out', out, '--kommune', '173']);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toContain('Skrev 1 brev');
      expect(r.stderr).not.toMatch(/passer ikke længere/);

      const after = manifestNow();
      expect(after.letters.map((l) => l.kommunekode)).toEqual(before.letters.map((l) => l.kommunekode));
      expect(after.letters.filter((l) => l.kommunekode !== '173')).toEqual(
        before.letters.filter((l) => l.kommunekode !== '173'),
      );
      const ltk = after.letters.find((l) => l.kommunekode === '173');
      expect(ltk?.pdf.sha256).not.toBe(before.letters.find((l) => l.kommunekode === '173')?.pdf.sha256);
      for (const f of otherFiles) expect(sha256(readFileSync(join(dir, f.file))), f.file).toBe(f.sha256);
      // The other letters' email pages are unchanged, so they were not staged and swapped in again (same inode).
      for (const p of otherPages) {
        expect(readFileSync(p.path).equals(p.html), p.path).toBe(true);
        expect(statSync(p.path).ino, p.path).toBe(p.ino);
      }
      expect(existsSync(page(ltk?.eml.file ?? ''))).toBe(true);

      const loaded = await loadBarometer(data);
      if (!loaded.ok) throw new Error('data invalid');
      const report = assessFreshness(after, loaded);
      expect([...report.letters.values()].every((f) => f.state === 'fresh')).toBe(true);
      expect(report.letters.size).toBe(98);
      expect(report.missing).toEqual([]);
    },
    HEAVY,
  );

  it(
    'the next batch send sends the corrected letter only, and exits 0',
    async () => {
      const r = await send();
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).not.toMatch(/Sendes ikke/);
      const to = server.received.flatMap((m) => m.to);
      expect(to).toHaveLength(98);
      expect(to.at(-1)).toBe(address.get('173'));
    },
    HEAVY,
  );
});
