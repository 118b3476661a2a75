// Runs a bundled CommonJS file with V8's code cache made at build time: the
// CLI itself (dist/bundle/app.cjs, run by bin/kommunebrev.js) and the PDF
// engine (dist/bundle/pdf-engine.cjs, run by letters/pdf-engine-loader.ts).
//
// Why: Node 20 compiles every script from source in every process, and again
// each function on its first call; Node 22's module.enableCompileCache does
// not exist here, and ES modules cannot be given a code cache at all. The
// build (scripts/engine-cache.mjs, scripts/app-cache.mjs) runs the file
// through this loader, does typical work, and saves what V8 compiled, lazily
// compiled functions included; a later process hands it to V8 instead of
// compiling.
//
// Safety: a cache is only ever read here, never written at run time (the
// tool folder may be read-only). Its first 32 bytes are the sha256 of the
// source it was made from followed by V8's data: data for another source, and
// damaged data, is not handed to V8 at all (V8 checks its version, its flags
// and the source's length, but not the data itself: a few flipped bytes made
// Node 20 crash or hang), and V8 itself refuses data from another V8 version
// or other flags (`cachedDataRejected`); either way the file compiles from
// source as before. Compiled code does not change what the code computes, so
// the output is the same bytes with or without the cache.
//
// A script run this way cannot use `import()` (Node gives a vm.Script no
// module loader): the bundles are built so that they have none
// (scripts/bundle.mjs).
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire, Module } from 'node:module';
import { dirname } from 'node:path';
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
