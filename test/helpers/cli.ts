// Runs the real CLI in a child process, as a user would.
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const REPO = resolve(import.meta.dirname, '..', '..');
export const BIN = join(REPO, 'bin', 'kommunebrev.js');
export const EXAMPLE_DATA = join(REPO, 'data', '2023-ledsagelse');

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function runCli(
  args: string[],
  opts: { cwd?: string; env?: Record<string, string | undefined> } = {},
): CliResult {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    cwd: opts.cwd ?? REPO,
    env: { ...process.env, NO_COLOR: '1', ...opts.env },
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    maxBuffer: 64 * 1024 * 1024,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Async variant, for tests that must serve requests (SMTP) while the CLI runs. */
export function runCliAsync(
  args: string[],
  opts: { cwd?: string; env?: Record<string, string | undefined> } = {},
): Promise<CliResult> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd: opts.cwd ?? REPO,
      env: { ...process.env, NO_COLOR: '1', ...opts.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString('utf8')));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code) => resolvePromise({ code, stdout, stderr }));
  });
}

export function tempDir(prefix = 'kommunebrev-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** A fresh copy of the example barometer folder in a temp dir. */
export function copyExampleData(): string {
  const dir = join(tempDir(), '2023-ledsagelse');
  cpSync(EXAMPLE_DATA, dir, { recursive: true });
  return dir;
}

/** `kommunebrev preview` running in a child process: its address, and a stop (Ctrl-C) that gives its exit and output. */
export async function startPreviewCli(
  args: string[],
  opts: { bin?: string; env?: NodeJS.ProcessEnv } = {},
): Promise<{ url: string; stop(): Promise<CliResult> }> {
  const child = spawn(process.execPath, [opts.bin ?? BIN, 'preview', ...args], {
    cwd: REPO,
    env: opts.env ?? process.env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString('utf8');
      const m = /Forhåndsvisningen kører på (http:\/\/127\.0\.0\.1:\d+\/)/.exec(stdout);
      if (m?.[1]) resolve(m[1]);
    });
    void exited.then(() => reject(new Error(`preview stopped: ${stdout}${stderr}`)));
  });
  return {
    url,
    stop: async () => {
      child.kill('SIGINT');
      const code = await exited;
      return { code, stdout, stderr };
    },
  };
}
