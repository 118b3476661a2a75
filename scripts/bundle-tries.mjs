// Unicode tries inflated at build time, for scripts/bundle.mjs.
//
// Why: when they are loaded, fontkit (its shapers), unicode-properties (which
// fontkit shapes with) and linebreak (pdfmake's word breaking) each build
// UnicodeTrie objects from compressed bytes, which unicode-trie inflates,
// twice over, with tiny-inflate: JavaScript that V8 has not optimised yet at
// start-up, ~20-30 ms of every process that renders.
//
// How: the build loads those packages itself, as pdfmake and pdfkit require
// them, and records what each trie was built from and what it holds. The
// bundle's unicode-trie module is the installed one plus a subclass that,
// given exactly those compressed bytes (compared byte for byte), hands the
// constructor the recorded table in its own "pre-parsed data" form
// ({ data, highStart, errorValue }) instead of inflating them; any other bytes
// are inflated as before. So every trie holds the same values, now read from
// a base64 string in the bundle.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

/**
 * The tries that `loaders` build (functions that require the packages, as
 * pdfmake does; they must not have been required before), recorded through a
 * subclass of the unicode-trie at `triePath`.
 */
export function recordTries(triePath, loaders) {
  const requireTrie = createRequire(triePath);
  const UnicodeTrie = requireTrie(triePath);
  const recorded = [];
  class RecordingTrie extends UnicodeTrie {
    constructor(data) {
      super(data);
      if (data instanceof Uint8Array) {
        const table = Buffer.from(this.data.buffer, this.data.byteOffset, this.data.byteLength);
        recorded.push({
          compressed: Buffer.from(data),
          table: Buffer.from(table),
          highStart: this.highStart,
          errorValue: this.errorValue,
        });
      }
    }
  }
  const cached = requireTrie.cache[triePath];
  cached.exports = RecordingTrie;
  try {
    for (const load of loaders) load();
  } finally {
    cached.exports = UnicodeTrie;
  }
  if (new Uint8Array(new Uint32Array([1]).buffer)[0] !== 1)
    throw new Error('bundle-tries: the build machine must be little-endian');
  if (recorded.length === 0) throw new Error('bundle-tries: no trie was built (have the packages changed?)');
  return recorded;
}

/** An esbuild plugin: the unicode-trie at `triePath`, with `tries` (from recordTries) prebuilt. */
export function prebuiltTries(triePath, tries) {
  return {
    name: 'prebuilt-tries',
    setup(b) {
      b.onLoad({ filter: /[\\/]unicode-trie[\\/]index\.js$/ }, (args) => {
        if (args.path !== triePath) return undefined;
        const entries = tries.map(
          (t) =>
            `  [${t.compressed.length}, ${JSON.stringify(t.compressed.toString('base64'))}, ${JSON.stringify(t.table.toString('base64'))}, ${t.highStart}, ${t.errorValue}],`,
        );
        const source = readFileSync(triePath, 'utf8');
        if (
          !/module\.exports = UnicodeTrie;\s*$/.test(source) ||
          !/const \{ swap32LE \} = require\('\.\/swap'\);/.test(source)
        ) {
          throw new Error('bundle-tries: unicode-trie/index.js has changed shape');
        }
        return {
          contents: `${source}
// Added by scripts/bundle-tries.mjs: tries inflated at build time, as
// [byte length and base64 of the compressed bytes, inflated table (base64,
// little-endian), highStart, errorValue].
const PREBUILT = [
${entries.join('\n')}
];

/** The pre-parsed form of a trie built from exactly these bytes at build time, if one was. */
function prebuilt(data) {
  if (!(data instanceof Uint8Array)) return undefined;
  const bytes = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  for (const [length, compressed, table, highStart, errorValue] of PREBUILT) {
    if (bytes.length !== length || !bytes.equals(Buffer.from(compressed, 'base64'))) continue;
    const raw = Buffer.from(table, 'base64');
    const words = new Uint8Array(raw.length);
    words.set(raw);
    swap32LE(words);
    return { data: new Uint32Array(words.buffer), highStart, errorValue };
  }
  return undefined;
}

module.exports = class UnicodeTrie extends module.exports {
  constructor(data) {
    super(prebuilt(data) ?? data);
  }
};
`,
          loader: 'js',
        };
      });
    },
  };
}
