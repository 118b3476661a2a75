// kommunebrev preview: serves the out folder on localhost, for those who
// prefer a browser tab to a file. A tiny static file server (node:http):
// 127.0.0.1 only, read-only, only files inside the served folder.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createReadStream } from 'node:fs';
import { readdir, realpath, stat } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { extname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { MANIFEST_FILE } from '../core/letters/manifest.js';
import { escapeHtml, PREVIEW_FILE } from '../core/preview/render-preview.js';
import { readFolderProblems, readManifestFile } from '../adapters/letters/read-output.js';
import { settleOutputFolder } from '../adapters/letters/render-swap.js';
import { countText, formatProblem } from '../core/problems.js';
import { EXIT_OK, UsageError, type Io } from './io.js';
import { refreshPreview } from './refresh-preview.js';

export interface PreviewOptions {
  out: string;
  port?: string;
}

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.pdf': 'application/pdf',
  '.eml': 'text/plain; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.png': 'image/png',
};

export function contentType(file: string): string {
  return CONTENT_TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream';
}

async function isFile(path: string): Promise<boolean> {
  return (await stat(path).catch(() => undefined))?.isFile() ?? false;
}

export type PreviewRoot =
  /** The barometer folder itself (holds manifest.json / index.html). */
  | { kind: 'barometer'; root: string }
  /** An out folder with several barometer folders: served with a list at /. */
  | { kind: 'several'; root: string; barometre: string[] };

/** Finds what to serve: the barometer folder, the only one in the out folder, or several. */
export async function findPreviewRoot(out: string): Promise<PreviewRoot> {
  const dir = resolve(out);
  const st = await stat(dir).catch(() => undefined);
  if (!st?.isDirectory()) throw new UsageError(`Mappen ${out} findes ikke. Angiv den outputmappe, som render skrev til (--out).`);
  if ((await isFile(join(dir, PREVIEW_FILE))) || (await isFile(join(dir, MANIFEST_FILE)))) return { kind: 'barometer', root: dir };
  const barometre: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true })) {
    if (e.isDirectory() && !e.name.startsWith('.') && (await isFile(join(dir, e.name, PREVIEW_FILE)))) barometre.push(e.name);
  }
  barometre.sort();
  const [only] = barometre;
  if (only !== undefined && barometre.length === 1) return { kind: 'barometer', root: join(dir, only) };
  if (barometre.length === 0) {
    throw new UsageError(
      `Der er ingen forhåndsvisning i ${out}. Skriv først brevene med »kommunebrev render --data <mappe> --out ${out}«.`,
    );
  }
  return { kind: 'several', root: dir, barometre };
}

function listingPage(barometre: readonly string[]): string {
  return `<!doctype html>
<html lang="da"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>kommunebrev: forhåndsvisninger</title></head>
<body><main><h1>Forhåndsvisninger</h1><p>Outputmappen indeholder flere barometre. Vælg et:</p>
<ul>${barometre.map((b) => `<li><a href="${escapeHtml(encodeURIComponent(b))}/${PREVIEW_FILE}">${escapeHtml(b)}</a></li>`).join('')}</ul>
</main></body></html>
`;
}

function send(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store', 'X-Content-Type-Options': 'nosniff' });
  res.end(`${text}\n`);
}

/** Maps a request path to a file strictly inside root, or undefined. */
async function resolveRequest(root: string, rawUrl: string): Promise<string | undefined> {
  const rawPath = rawUrl.split('?', 1)[0] ?? '/';
  let path: string;
  try {
    path = decodeURIComponent(rawPath);
  } catch {
    return undefined;
  }
  if (!path.startsWith('/') || path.includes('\0') || path.includes('\\')) return undefined;
  const segments = path.split('/').filter((s) => s !== '');
  // No "..", no dot files (manifest temp files, .git, ...).
  if (segments.some((s) => s.startsWith('.'))) return undefined;
  let target = resolve(root, ...segments);
  const rel = relative(root, target);
  if (rel.startsWith('..') || isAbsolute(rel)) return undefined;
  const st = await stat(target).catch(() => undefined);
  if (st?.isDirectory()) target = join(target, PREVIEW_FILE);
  // Symlinks must not lead out of the folder either.
  const real = await realpath(target).catch(() => undefined);
  if (real === undefined || (real !== root && !real.startsWith(root + sep))) return undefined;
  return (await isFile(real)) ? real : undefined;
}

export interface PreviewServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

/** Starts the server on 127.0.0.1 (port 0 = any free port). */
export async function startPreviewServer(where: PreviewRoot, port = 0): Promise<PreviewServer> {
  const root = await realpath(where.root);
  let allowedHosts = new Set<string>();
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    void (async () => {
      // Only this machine's names: a web page elsewhere cannot reach the
      // letters through DNS rebinding.
      if (!allowedHosts.has((req.headers.host ?? '').toLowerCase())) return send(res, 403, 'Adgang nægtet.');
      if (req.method !== 'GET' && req.method !== 'HEAD') {
        res.setHeader('Allow', 'GET, HEAD');
        return send(res, 405, 'Kun GET og HEAD.');
      }
      const url = req.url ?? '/';
      if (where.kind === 'several' && (url === '/' || url.startsWith('/?'))) {
        res.writeHead(200, { 'Content-Type': contentType('.html'), 'Cache-Control': 'no-store' });
        return res.end(req.method === 'HEAD' ? undefined : listingPage(where.barometre));
      }
      const file = await resolveRequest(root, url);
      if (!file) return send(res, 404, 'Ikke fundet.');
      const st = await stat(file);
      res.writeHead(200, {
        'Content-Type': contentType(file),
        'Content-Length': st.size,
        'Cache-Control': 'no-store',
        'X-Content-Type-Options': 'nosniff',
      });
      if (req.method === 'HEAD') return res.end();
      createReadStream(file)
        .on('error', () => res.destroy())
        .pipe(res);
    })().catch(() => {
      if (!res.headersSent) send(res, 500, 'Intern fejl.');
      else res.destroy();
    });
  });
  await new Promise<void>((ok, fail) => {
    server.once('error', fail);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', fail);
      ok();
    });
  });
  const actual = (server.address() as AddressInfo).port;
  allowedHosts = new Set([`127.0.0.1:${actual}`, `localhost:${actual}`]);
  return {
    url: `http://127.0.0.1:${actual}/`,
    port: actual,
    close: () =>
      new Promise<void>((ok) => {
        server.close(() => ok());
        server.closeAllConnections();
      }),
  };
}

export function parsePort(value: string | undefined): number {
  if (value === undefined) return 0;
  if (!/^\d{1,5}$/.test(value) || Number(value) > 65535) {
    throw new UsageError(`Porten »${value}« er ikke gyldig. Angiv et tal fra 1 til 65535, eller udelad --port for at bruge en ledig port.`);
  }
  return Number(value);
}

/** Before serving: finish a killed render, and say plainly (here and on the page) when files do not match the manifest. */
async function settleAndCheck(io: Io, dir: string): Promise<void> {
  const settled = await settleOutputFolder(dir);
  if (settled.state === 'rendering') io.err(`Bemærk: en render (pid ${settled.holder.pid}) skriver i mappen lige nu; genindlæs siden, når den er færdig.`);
  else for (const note of settled.notes) io.err(note);
  const read = await readManifestFile(dir);
  if (!read.ok || settled.state === 'rendering') return;
  const problems = (await readFolderProblems(dir, read.manifest)).map(formatProblem);
  if (problems.length === 0) return;
  io.err(`Mappen er inkonsistent: ${countText(problems.length, 'fil passer', 'filer passer')} ikke med manifestet; siden siger det også. Kør »kommunebrev render« igen.`);
  await refreshPreview(io, dir, read.manifest, undefined, problems);
}

export async function runPreview(opts: PreviewOptions, io: Io): Promise<number> {
  const port = parsePort(opts.port);
  const where = await findPreviewRoot(opts.out);
  if (where.kind === 'barometer') await settleAndCheck(io, where.root);
  let server: PreviewServer;
  try {
    server = await startPreviewServer(where, port);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      throw new UsageError(`Port ${port} er optaget. Vælg en anden med --port, eller udelad --port for at bruge en ledig port.`);
    }
    throw err;
  }
  if (where.kind === 'several') {
    io.out(`Outputmappen indeholder ${where.barometre.length} barometre:`);
    for (const b of where.barometre) io.out(`  ${server.url}${encodeURIComponent(b)}/${PREVIEW_FILE}`);
  } else {
    io.out(`Viser ${where.root}`);
  }
  io.out(`Forhåndsvisningen kører på ${server.url}`);
  io.out('Åbn adressen i en browser. Tryk Ctrl+C for at stoppe.');
  await new Promise<void>((done) => {
    const stop = (): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      done();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  await server.close();
  io.out('Forhåndsvisningen er stoppet.');
  return EXIT_OK;
}
