// Entry of the bundle for the build only (scripts/engine-cache.mjs): renders
// letters with the bundle's own render-pdf.ts and engine, in the same chunks
// `render` loads, then hands back V8's compiled code of the engine, lazily
// compiled functions included, for dist/bundle/pdf-engine.cache.
import { pdfEngine } from './pdf-engine-loader.js';
import { renderLetterPdf } from './render-pdf.js';
import type { LetterModel } from '../../core/types.js';

/** Renders the letters (discarding the PDFs) and returns the engine's code cache file bytes. */
export async function engineCodeCache(models: readonly LetterModel[]): Promise<Buffer> {
  for (const model of models) await renderLetterPdf(model);
  return pdfEngine().makeCache();
}

/** How the bundle's engine was compiled in this process (for the tests: 'used' means from the cache). */
export function engineCacheState(): string {
  return pdfEngine().cache;
}
