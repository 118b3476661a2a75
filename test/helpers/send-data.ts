// A small barometer (the example's barometer.json and rule set, six kommuner
// with two cases each) in a temp folder, rendered with the real CLI, for the
// send tests. Small so that the send scenarios run in seconds.
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { copyFileSync, cpSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afslagRow, caseRow, KOMMUNE_HEADER, kommuneRow, SAGER_HEADER } from '../core/table-builders.js';
import { writeRecords } from './csv.js';
import { EXAMPLE_DATA, REPO, tempDir, type CliResult } from './cli.js';

export const KOMMUNER: readonly [string, string][] = [
  ['101', 'Københavns Kommune'],
  ['147', 'Frederiksberg Kommune'],
  ['173', 'Lyngby-Taarbæk Kommune'],
  ['461', 'Odense Kommune'],
  ['751', 'Aarhus Kommune'],
  ['825', 'Læsø Kommune'],
];

export function addressOf(kode: string): string {
  return `handicap${kode}@kommune${kode}.example`;
}

export interface SendFixture {
  root: string;
  data: string;
  out: string;
  /** out/<barometer-id> */
  dir: string;
  /** The CLI entry point to run (a private copy of the tool when `ownTool` was asked for). */
  bin: string;
}

/**
 * Writes the barometer and renders it. `eksempeldata` defaults to the
 * example's (true). `ownTool` copies bin/, dist/ and templates/ to the temp
 * folder so a test can change a template without touching the repository.
 */
export interface FixtureOptions {
  eksempeldata?: boolean;
  kommuner?: readonly [string, string][];
  ownTool?: boolean;
  /** Fields to set in barometer.json (e.g. arkivkopi). */
  barometer?: Record<string, unknown>;
}

export function renderedFixture(opts: FixtureOptions = {}): SendFixture {
  const root = tempDir('kommunebrev-send-');
  const data = join(root, 'data');
  mkdirSync(data, { recursive: true });
  copyFileSync(join(EXAMPLE_DATA, 'regelsaet.json'), join(data, 'regelsaet.json'));
  const barometer = JSON.parse(readFileSync(join(EXAMPLE_DATA, 'barometer.json'), 'utf8')) as Record<string, unknown>;
  if (opts.eksempeldata !== undefined) barometer.eksempeldata = opts.eksempeldata;
  Object.assign(barometer, opts.barometer ?? {});
  writeFileSync(join(data, 'barometer.json'), `${JSON.stringify(barometer, null, 2)}\n`);
  const kommuner = opts.kommuner ?? KOMMUNER;
  writeRecords(join(data, 'kommuner.csv'), [
    KOMMUNE_HEADER,
    ...kommuner.map(([kode, navn]) => kommuneRow({ kommunekode: kode, navn, email: addressOf(kode) })),
  ]);
  writeRecords(join(data, 'sager.csv'), [
    SAGER_HEADER,
    ...kommuner.flatMap(([kode], i) => [
      caseRow({ sagsnummer: `HSB23-${String(i).padStart(2, '0')}01`, kommunekode: kode }),
      afslagRow({
        sagsnummer: `HSB23-${String(i).padStart(2, '0')}02`,
        kommunekode: kode,
        begrundelse: i % 2 ? 'væsentlig' : 'nej',
        'overholder regler og praksis': i % 2 ? 'nej' : 'ja',
      }),
    ]),
  ]);
  let bin = join(REPO, 'bin', 'kommunebrev.js');
  if (opts.ownTool) {
    const tool = join(root, 'tool');
    for (const d of ['bin', 'dist', 'templates']) cpSync(join(REPO, d), join(tool, d), { recursive: true });
    copyFileSync(join(REPO, 'package.json'), join(tool, 'package.json'));
    symlinkSync(join(REPO, 'node_modules'), join(tool, 'node_modules'), 'dir');
    bin = join(tool, 'bin', 'kommunebrev.js');
  }
  const out = join(root, 'out');
  const r = spawnSync(process.execPath, [bin, 'render', '--data', data, '--out', out], {
    encoding: 'utf8',
    env: cleanEnv({}),
  });
  if (r.status !== 0) throw new Error(`render failed (${r.status}): ${r.stderr}`);
  return { root, data, out, dir: join(out, String(barometer.id)), bin };
}

/** The bytes as they travel over SMTP: bare LF and bare CR become CRLF (nodemailer's DataStream does this). */
export function smtpCanonical(bytes: Buffer): Buffer {
  return Buffer.from(bytes.toString('latin1').replace(/\r\n|\r|\n/g, '\r\n'), 'latin1');
}

/** The environment for the CLI: no SMTP settings from the developer's shell, fast retries. */
export function cleanEnv(env: Record<string, string | undefined>): NodeJS.ProcessEnv {
  const base: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1', KOMMUNEBREV_RETRY_BASE_MS: '20' };
  for (const k of ['SMTP_URL', 'SMTP_USER', 'SMTP_PASS', 'KOMMUNEBREV_DEBUG']) delete base[k];
  for (const [k, v] of Object.entries(env)) {
    if (v === undefined) delete base[k];
    else base[k] = v;
  }
  return base;
}

/** Starts the CLI; the test may kill it. */
export function spawnCli(
  bin: string,
  args: string[],
  env: Record<string, string | undefined> = {},
): ChildProcessWithoutNullStreams {
  return spawn(process.execPath, [bin, ...args], { env: cleanEnv(env), stdio: ['pipe', 'pipe', 'pipe'] });
}

/** Runs the CLI to the end (asynchronously, so an SMTP server in this process can serve it). */
export function runCliAsync(
  bin: string,
  args: string[],
  env: Record<string, string | undefined> = {},
): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawnCli(bin, args, env);
    child.stdin.end();
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString('utf8')));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}
