// The modules the bundle loads only on first use (scripts/bundle-lazy.mjs):
// pdfmake bundled with the plugin (not run by any letter path, so built here
// with esbuild next to dist/bundle/) renders a document that needs every one
// of them (a PNG image, an SVG, a QR code, and, in a second document, a
// password) into the same bytes as the installed pdfmake; and a document
// that needs none leaves them unloaded.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { afterAll, describe, expect, it } from 'vitest';
import { PDFMAKE_JSON } from '../src/adapters/letters/pdf-fonts.js';
import { REPO } from './helpers/cli.js';

interface Pdfmake {
  setFonts(fonts: object): void;
  setUrlAccessPolicy(policy: () => boolean): void;
  createPdf(dd: object): { getBuffer(): Promise<Buffer> };
}

const { lazyUnused } = (await import(pathToFileURL(join(REPO, 'scripts', 'bundle-lazy.mjs')).href)) as {
  lazyUnused(outdir: string): { name: string; setup(build: unknown): void };
};

// Next to dist/bundle/, as deep below the project folder, so the stand-ins find node_modules the same way.
const outdir = mkdtempSync(join(REPO, 'dist', 'lazy-test-'));
afterAll(() => rmSync(outdir, { recursive: true, force: true }));
await build({
  stdin: {
    contents:
      "import pdfmake from 'pdfmake'; export { pdfmake }; export const loaded = () => Object.keys(require.cache);",
    resolveDir: REPO,
  },
  bundle: true,
  outfile: join(outdir, 'pdfmake.js'),
  format: 'esm',
  platform: 'node',
  banner: {
    js: "import { createRequire as __kbCreateRequire } from 'node:module'; const __kbChunkUrl = import.meta.url; const require = __kbCreateRequire(__kbChunkUrl);",
  },
  plugins: [lazyUnused(outdir) as never],
  logLevel: 'silent',
});
writeFileSync(join(outdir, 'package.json'), '{"type":"module"}');
const bundled = (await import(pathToFileURL(join(outdir, 'pdfmake.js')).href)) as {
  pdfmake: Pdfmake;
  loaded(): string[];
};
const ROBOTO = join(PDFMAKE_JSON, '..', 'fonts', 'Roboto');
function withFonts(pdfmake: Pdfmake): Pdfmake {
  pdfmake.setUrlAccessPolicy(() => false);
  pdfmake.setFonts({
    Roboto: {
      normal: join(ROBOTO, 'Roboto-Regular.ttf'),
      bold: join(ROBOTO, 'Roboto-Medium.ttf'),
      italics: join(ROBOTO, 'Roboto-Italic.ttf'),
      bolditalics: join(ROBOTO, 'Roboto-MediumItalic.ttf'),
    },
  });
  return pdfmake;
}
const ours = withFonts(bundled.pdfmake);
/** The installed pdfmake, loaded only after the bundled one has rendered (it loads all those modules itself). */
const installed = () => withFonts(createRequire(PDFMAKE_JSON)('pdfmake') as Pdfmake);

const PNG =
  'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAIAAAD91JpzAAAAFklEQVR4nGP8z8DAwMDAxMDAwMDAAAANHQEDasKb6QAAAABJRU5ErkJggg==';
const info = { creationDate: new Date('2023-01-02T03:04:05Z'), title: 'lazy' };
const plain = { info, content: ['Tekst uden billeder.'] };
const everything = {
  info,
  content: [
    'Med billede, SVG og QR-kode.',
    { image: PNG, width: 20 },
    {
      svg: '<svg width="20" height="10"><rect width="20" height="10" fill="#c00"/><circle cx="5" cy="5" r="3"/></svg>',
    },
    { qr: 'https://ast.dk/kommunebrev', fit: 60 },
  ],
};
// AES-256 (PDF 1.7 extension level 3): @noble's SHA-256 and AES; its salts and IVs are random.
const locked = { ...plain, userPassword: 'hemmelig', ownerPassword: 'ejer', version: '1.7ext3' };

const lazyFiles = ['@noble/ciphers/aes.js', '@noble/hashes/sha2.js', 'png-js/', 'xmldoc/', 'pdfmake/js/qrEnc.js'];
const loadedLazy = () => lazyFiles.filter((f) => bundled.loaded().some((k) => k.includes(`node_modules/${f}`)));

describe('modules loaded on first use', () => {
  it('are not loaded for a document without image, SVG, QR code or password, and loaded for one that needs them', async () => {
    const plainPdf = await ours.createPdf(plain).getBuffer();
    expect(loadedLazy()).toEqual([]);
    const everythingPdf = await ours.createPdf(everything).getBuffer();
    expect(loadedLazy()).toEqual(['png-js/', 'xmldoc/', 'pdfmake/js/qrEnc.js']);
    const lockedPdf = await ours.createPdf(locked).getBuffer();
    expect(loadedLazy()).toEqual(lazyFiles);

    // The same bytes as the installed pdfmake.
    const theirs = installed();
    expect(plainPdf.equals(await theirs.createPdf(plain).getBuffer())).toBe(true);
    expect(everythingPdf.length).toBeGreaterThan(2000);
    expect(everythingPdf.equals(await theirs.createPdf(everything).getBuffer())).toBe(true);
    // Random salts and IVs (whose escaping varies the length): the same encryption dictionary instead of the same bytes.
    const encryption = (pdf: Buffer) => /\/Filter \/Standard[^]*?\/V 5[^]*?\/AESV3/.test(pdf.toString('latin1'));
    expect(encryption(lockedPdf)).toBe(true);
    expect(encryption(await theirs.createPdf(locked).getBuffer())).toBe(true);
  });
});
