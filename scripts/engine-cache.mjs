// npm run build, after the shaping seed: V8's code cache for the bundle's PDF
// engine (dist/bundle/pdf-engine.cache, read by
// src/adapters/letters/pdf-engine-loader.ts).
//
// Renders a few example letters in memory with the bundle itself (the same
// chunks and engine `render` loads), so that the cache holds the functions a
// letter compiles lazily as well as the engine's start-up code, then saves
// what V8 compiled. Made in a process of its own with Node's default flags,
// as `render` runs; V8 refuses it in a Node with another V8 or other flags.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadBarometer } from '../dist/commands/load.js';
import { composeLetters } from '../dist/core/letters/compose-letter.js';

const ROOT = join(import.meta.dirname, '..');
const DATA = join(ROOT, 'data', '2023-ledsagelse');
const OUT = join(ROOT, 'dist', 'bundle', 'pdf-engine.cache');

const { engineCodeCache } = await import('../dist/bundle/pdf-engine-build.js');
const loaded = await loadBarometer(DATA);
if (!loaded.ok) throw new Error(`${DATA}: eksempeldata er ugyldige`);
const letters = composeLetters(loaded.data, loaded.templates);
const cache = await engineCodeCache(letters.slice(0, 3));
writeFileSync(OUT, cache);
