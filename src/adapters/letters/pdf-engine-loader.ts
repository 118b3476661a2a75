// Loads the bundle's PDF engine (dist/bundle/pdf-engine.cjs: pdfmake, pdfkit,
// fontkit in one CommonJS file, see scripts/bundle.mjs) with V8's code cache
// (../code-cache.ts; made by scripts/engine-cache.mjs after rendering example
// letters, so the functions a letter compiles lazily are in it too).
//
// Why: Node 20 compiles the ~1.6 MB engine from source in every process (and
// in every render helper thread), and again each function the first letter
// calls. Hashing the 1.6 MB source and the 1.2 MB cache costs ~2 ms.
import { fileURLToPath } from 'node:url';
import { loadWithCodeCache, type LoadedScript } from '../code-cache.js';

/** What pdf-engine.cjs exports (made by scripts/bundle.mjs). */
export interface PdfEngine {
  /** pdfmake's own export, what `import pdfmake from 'pdfmake'` gives. */
  pdfmake: unknown;
  /** The modules pdfmake-modules.ts hands the hooks, by name. */
  modules: Record<string, () => unknown>;
}

let engine: (LoadedScript & { exports: PdfEngine }) | undefined;

/**
 * The bundle's engine, loaded once per thread. Only the bundle calls this
 * (scripts/bundle.mjs puts it behind pdfmake-modules.ts and `pdfmake`): there
 * this file is a chunk in dist/bundle/, beside pdf-engine.cjs.
 */
export function pdfEngine(): LoadedScript & { exports: PdfEngine } {
  return (engine ??= loadWithCodeCache(fileURLToPath(new URL('./pdf-engine.cjs', import.meta.url))) as LoadedScript & {
    exports: PdfEngine;
  });
}
