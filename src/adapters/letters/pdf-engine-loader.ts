// Loads the bundle's PDF engine (dist/bundle/pdf-engine.cjs: pdfmake, pdfkit,
// fontkit in one CommonJS file, see scripts/bundle.mjs) with V8's code cache.
//
// Why: Node 20 compiles the ~1.6 MB engine from source in every process (and
// in every render helper thread), and again each function the first letter
// calls; Node 22's module.enableCompileCache does not exist here. The build
// (scripts/engine-cache.mjs) loads the engine through this file, renders
// example letters and saves V8's compiled code, lazily compiled functions
// included; a later process hands it to V8 instead of compiling.
//
// Safety: the cache is only ever read here, never written at run time (the
// tool folder may be read-only). Its first 32 bytes are the sha256 of the
// source it was made from followed by V8's data: data for another source, and
// damaged data, is not handed to V8 at all (V8 checks its version, its flags
// and the source's length, but not the data itself: a few flipped bytes made
// Node 20 crash or hang), and V8 itself refuses data from another V8 version
// or other flags (`cachedDataRejected`); either way the engine compiles from
// source as before. Compiled code does not change what the code computes, so
// the output is the same bytes with or without the cache. Hashing the 1.6 MB
// source and the 1.2 MB cache costs ~2 ms.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire, Module } from 'node:module';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import vm from 'node:vm';

const HASH_BYTES = 32;

/** How the code cache went: used by V8, refused by V8, or not offered (missing, or made from another source). */
export type CodeCacheState = 'used' | 'rejected' | 'none';

export interface LoadedScript {
  exports: unknown;
  cache: CodeCacheState;
  /** The cache file's bytes for the code V8 has compiled so far (for the build only). */
  makeCache(): Buffer;
}

/** The code cache file that belongs to a CommonJS file (`x.cjs` -> `x.cache`). */
export function codeCacheFile(file: string): string {
  return file.replace(/\.cjs$/, '') + '.cache';
}

/** The hash that heads a cache file: sha256 of the source followed by V8's data. */
function cacheHash(source: Buffer, data: Buffer): Buffer {
  return createHash('sha256').update(source).update(data).digest();
}

/** V8's data from `cacheFile`, if it was made from this very source and is whole. */
function cachedDataFor(source: Buffer, cacheFile: string): Buffer | undefined {
  let file: Buffer;
  try {
    file = readFileSync(cacheFile);
  } catch {
    return undefined;
  }
  const data = file.subarray(HASH_BYTES);
  if (data.length === 0 || !file.subarray(0, HASH_BYTES).equals(cacheHash(source, data))) return undefined;
  return data;
}

/**
 * Runs a CommonJS file as Node's require would (same wrapper, `require`,
 * `module`, `__filename`, `__dirname`), compiled with the code cache in
 * `cacheFile` when that matches. The file is not put in Node's module cache:
 * the caller keeps the one copy.
 */
export function loadWithCodeCache(file: string, cacheFile = codeCacheFile(file)): LoadedScript {
  const source = readFileSync(file);
  const cachedData = cachedDataFor(source, cacheFile);
  const script = new vm.Script(Module.wrap(source.toString('utf8')), { filename: file, cachedData });
  const cache: CodeCacheState = cachedData === undefined ? 'none' : script.cachedDataRejected ? 'rejected' : 'used';
  const wrapper = script.runInThisContext() as (...args: unknown[]) => void;
  const module = { exports: {} as unknown, filename: file, id: file, loaded: false };
  wrapper.call(module.exports, module.exports, createRequire(file), module, file, dirname(file));
  module.loaded = true;
  return {
    exports: module.exports,
    cache,
    makeCache: () => {
      const data = script.createCachedData();
      return Buffer.concat([cacheHash(source, data), data]);
    },
  };
}

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
