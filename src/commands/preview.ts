// kommunebrev preview: finds the barometer folder(s) in --out and serves them
// on localhost (src/adapters/preview/preview-server.ts) until Ctrl+C.
import { join } from 'node:path';
import {
  findOutFolders,
  NO_OUT_FOLDER,
  readFolderProblems,
  readManifestFile,
} from '../adapters/letters/read-output.js';
import { settleOutputFolder } from '../adapters/letters/render-swap.js';
import { startPreviewServer, type PreviewRoot, type PreviewServer } from '../adapters/preview/preview-server.js';
import { MANIFEST_FILE } from '../core/letters/manifest.js';
import { PREVIEW_FILE } from '../core/preview/render-preview.js';
import { countText } from '../core/danish.js';
import { formatProblem } from '../core/problems.js';
import { EXIT_OK, UsageError, type Io } from './io.js';
import { refreshPreview } from './refresh-preview.js';

export interface PreviewOptions {
  out: string;
  port?: string;
}

/** Finds what to serve: the barometer folder, the only one in the out folder, or several. */
export async function findPreviewRoot(out: string): Promise<PreviewRoot> {
  const found = await findOutFolders(out, [PREVIEW_FILE, MANIFEST_FILE], [PREVIEW_FILE]);
  if (found.kind === 'missing') throw new UsageError(NO_OUT_FOLDER(out));
  if (found.kind === 'barometer') return { kind: 'barometer', root: found.dir };
  const [only] = found.barometre;
  if (only !== undefined && found.barometre.length === 1) return { kind: 'barometer', root: join(found.dir, only) };
  if (only === undefined) {
    throw new UsageError(
      `Der er ingen forhåndsvisning i ${out}. Skriv først brevene med »kommunebrev render --data <mappe> --out ${out}«.`,
    );
  }
  return { kind: 'several', root: found.dir, barometre: found.barometre };
}

export function parsePort(value: string | undefined): number {
  if (value === undefined) return 0;
  if (!/^\d{1,5}$/.test(value) || Number(value) > 65535) {
    throw new UsageError(
      `Porten »${value}« er ikke gyldig. Angiv et tal fra 1 til 65535, eller udelad --port for at bruge en ledig port.`,
    );
  }
  return Number(value);
}

/** Before serving: finish a killed render, and say plainly (here and on the page) when files do not match the manifest. */
async function settleAndCheck(io: Io, dir: string): Promise<void> {
  const settled = await settleOutputFolder(dir);
  if (settled.state === 'rendering')
    io.err(
      `Bemærk: en render (pid ${settled.holder.pid}) skriver i mappen lige nu; genindlæs siden, når den er færdig.`,
    );
  else for (const note of settled.notes) io.err(note);
  const read = await readManifestFile(dir);
  if (!read.ok || settled.state === 'rendering') return;
  const problems = (await readFolderProblems(dir, read.manifest)).map(formatProblem);
  if (problems.length === 0) return;
  io.err(
    `Mappen er inkonsistent: ${countText(problems.length, 'fil passer', 'filer passer')} ikke med manifestet; siden siger det også. Kør »kommunebrev render« igen.`,
  );
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
      throw new UsageError(
        `Port ${port} er optaget. Vælg en anden med --port, eller udelad --port for at bruge en ledig port.`,
      );
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
