// The preview server: serves the out folder on 127.0.0.1 only, with the right
// content types, and nothing outside the folder.
import { spawn } from 'node:child_process';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writePreview } from '../src/adapters/preview/write-preview.js';
import { startPreviewServer, type PreviewServer } from '../src/adapters/preview/preview-server.js';
import { findPreviewRoot } from '../src/commands/preview.js';
import { BIN, REPO, startPreviewCli, tempDir } from './helpers/cli.js';
import { exampleManifest } from './helpers/manifest.js';
import { sha256 } from '../src/core/sha256.js';

/** Writes a barometer folder as render would: index.html, email pages, a PDF, an .eml, manifest.json. */
async function fakeOutFolder(out: string, id = '2023-ledsagelse'): Promise<string> {
  const dir = join(out, id);
  mkdirSync(dir, { recursive: true });
  const manifest = exampleManifest();
  // Files that match the manifest, so the folder is consistent.
  const pdf = '%PDF-1.4\n% test\n';
  const eml = 'Subject: test\r\n\r\nHej\r\n';
  for (const l of manifest.letters) {
    writeFileSync(join(dir, l.pdf.file), pdf);
    writeFileSync(join(dir, l.eml.file), eml);
    l.pdf = { ...l.pdf, sha256: sha256(pdf), bytes: pdf.length };
    l.eml = { ...l.eml, sha256: sha256(eml), bytes: eml.length };
  }
  writeFileSync(join(dir, 'manifest.json'), JSON.stringify(manifest));
  await writePreview(dir, manifest);
  return dir;
}

/** A raw request: fetch would normalise "/../" away before sending it. */
function rawGet(
  port: number,
  path: string,
  host = `127.0.0.1:${port}`,
): Promise<{ status: number; type: string; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method: 'GET', headers: { host } }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (body += d));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, type: String(res.headers['content-type'] ?? ''), body }),
      );
    });
    req.on('error', reject);
    req.end();
  });
}

describe('preview server', () => {
  let out: string;
  let dir: string;
  let server: PreviewServer;

  beforeAll(async () => {
    out = tempDir('kommunebrev-serve-');
    dir = await fakeOutFolder(out);
    writeFileSync(join(out, 'hemmelig.txt'), 'must not be served');
    symlinkSync(join(out, 'hemmelig.txt'), join(dir, 'link.txt'));
    server = await startPreviewServer(await findPreviewRoot(out));
  });
  afterAll(async () => {
    await server?.close();
  });

  it('listens on 127.0.0.1 and serves index.html at /', async () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    const res = await fetch(server.url);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(await res.text()).toContain('<html lang="da">');
  });

  it('serves PDFs, emails and the manifest with their content types', async () => {
    const l = exampleManifest().letters[0]!;
    const pdf = await fetch(`${server.url}${l.pdf.file}`);
    expect(pdf.status).toBe(200);
    expect(pdf.headers.get('content-type')).toBe('application/pdf');
    expect((await pdf.text()).startsWith('%PDF-')).toBe(true);
    const eml = await fetch(`${server.url}${l.eml.file}`);
    expect(eml.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    const page = await fetch(`${server.url}${l.eml.file.replace(/\.eml$/, '.email.html')}`);
    expect(page.status).toBe(200);
    const manifest = await fetch(`${server.url}manifest.json`);
    expect(manifest.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect((await fetch(`${server.url}findes-ikke.pdf`)).status).toBe(404);
  });

  it('serves nothing outside the folder', async () => {
    for (const path of [
      '/../hemmelig.txt',
      '/%2e%2e/hemmelig.txt',
      '/..%2fhemmelig.txt',
      '/%2e%2e%2fhemmelig.txt',
      '/..\\hemmelig.txt',
      '/link.txt',
      '/%00',
      '/%zz',
    ]) {
      const r = await rawGet(server.port, path);
      expect([400, 403, 404], path).toContain(r.status);
      expect(r.body).not.toContain('must not be served');
    }
  });

  it("answers only to this machine's names (no DNS rebinding)", async () => {
    expect((await rawGet(server.port, '/', 'evil.example')).status).toBe(403);
    expect((await rawGet(server.port, '/', `localhost:${server.port}`)).status).toBe(200);
  });

  it('rejects other methods than GET and HEAD', async () => {
    expect((await fetch(server.url, { method: 'POST', body: 'x' })).status).toBe(405);
    expect((await fetch(server.url, { method: 'HEAD' })).status).toBe(200);
  });
});

describe('findPreviewRoot', () => {
  it('takes the barometer folder itself, the only one in the out folder, or lists several', async () => {
    const out = tempDir('kommunebrev-roots-');
    const a = await fakeOutFolder(out, '2023-ledsagelse');
    expect(await findPreviewRoot(a)).toEqual({ kind: 'barometer', root: a });
    expect(await findPreviewRoot(out)).toEqual({ kind: 'barometer', root: a });
    await fakeOutFolder(out, '2024-merudgifter');
    expect(await findPreviewRoot(out)).toEqual({
      kind: 'several',
      root: out,
      barometre: ['2023-ledsagelse', '2024-merudgifter'],
    });
    const server = await startPreviewServer(await findPreviewRoot(out));
    try {
      const list = await (await fetch(server.url)).text();
      expect(list).toContain('href="2023-ledsagelse/index.html"');
      expect((await fetch(`${server.url}2024-merudgifter/`)).status).toBe(200);
    } finally {
      await server.close();
    }
  });

  it('says in Danish what to do when there is nothing to show', async () => {
    await expect(findPreviewRoot(tempDir('kommunebrev-empty-'))).rejects.toThrow(
      /Der er ingen forhåndsvisning i .*kommunebrev render/,
    );
    await expect(findPreviewRoot('/findes/ikke')).rejects.toThrow(/findes ikke/);
  });
});

describe('kommunebrev preview (the real CLI)', () => {
  it('prints the address in Danish, serves the page and stops on Ctrl-C', async () => {
    const out = tempDir('kommunebrev-cli-');
    await fakeOutFolder(out);
    const preview = await startPreviewCli(['--out', out]);
    const res = await fetch(preview.url);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('Forhåndsvisning af brevene');
    const { code, stdout, stderr } = await preview.stop();
    expect(code).toBe(0);
    expect(stdout).toContain('Forhåndsvisningen er stoppet.');
    expect(stderr).toBe('');
  });

  it('rejects a bad port with a Danish message and exit code 2', async () => {
    const child = spawn(process.execPath, [BIN, 'preview', '--out', tempDir(), '--port', 'abc'], {
      cwd: REPO,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
    const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
    expect(code).toBe(2);
    expect(stderr).toContain('Porten »abc« er ikke gyldig');
  });
});
