// The preview's web server: serves a barometer's out folder on 127.0.0.1, for
// those who prefer a browser tab to a file. A tiny static file server
// (node:http): this machine only, read-only, only files inside the served
// folder, GET and HEAD only.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createReadStream } from 'node:fs';
import { realpath, stat } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { extname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { PREVIEW_FILE, renderListingHtml } from '../../core/preview/render-preview.js';
import { isFile } from '../letters/read-output.js';
import { readPreviewTemplates } from './read-preview-templates.js';

export type PreviewRoot =
  /** The barometer folder itself (holds manifest.json / index.html). */
  | { kind: 'barometer'; root: string }
  /** An out folder with several barometer folders: served with a list at /. */
  | { kind: 'several'; root: string; barometre: string[] };

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

function send(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, {
    'Content-Type': 'text/plain; charset=utf-8',
    'Cache-Control': 'no-store',
    'X-Content-Type-Options': 'nosniff',
  });
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
  const listing = where.kind === 'several' ? renderListingHtml(await readPreviewTemplates(), where.barometre) : '';
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
        return res.end(req.method === 'HEAD' ? undefined : listing);
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
