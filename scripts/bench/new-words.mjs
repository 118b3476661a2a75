// For measuring on data kommunebrev has not seen (issue 11): copies a
// barometer folder and gives its cases remarks (bemærkning) made of words
// the example data and the build's shaping seed do not have, drawn
// (seeded, reproducibly) from a text file of your choice, e.g. the report.
//
//   node scripts/bench/new-words.mjs <barometer folder> <new folder> <text file> [--more]
//
// Each remark the source has gets as many new words as it had; with --more,
// half of the cases without a remark get one of 8-30 words as well (a much
// heavier letter text). Then e.g.:
//   BENCH_DATA=<new folder> BENCH_SCALE=0 npm run bench
import { createHash } from 'node:crypto';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';

const [from, to, textFile, more] = process.argv.slice(2);
if (!from || !to || !textFile) {
  process.stderr.write('brug: node scripts/bench/new-words.mjs <barometermappe> <ny mappe> <tekstfil> [--more]\n');
  process.exit(2);
}
const words = readFileSync(textFile, 'utf8').match(/[A-Za-zÆØÅæøåÉé-]{3,}/g) ?? [];
if (words.length < 100) throw new Error(`${textFile}: too few words`);

cpSync(from, to, { recursive: true });
const file = join(to, 'sager.csv');
const text = readFileSync(file, 'utf8').replace(/^\uFEFF/, '');
const delimiter = text.slice(0, text.search(/\r?\n/)).includes(';') ? ';' : ',';
const rows = parse(text, { delimiter, relax_column_count: false });
const column = rows[0].indexOf('bemærkning');
if (column < 0) throw new Error(`${file}: no bemærkning column`);

/** A number in [0, 1) from a counter: the same picks on every run, no generator state to keep. */
let counter = 0;
const next = () => createHash('sha256').update(`new-words ${counter++}`).digest().readUInt32BE(0) / 2 ** 32;
const sentence = (n) => {
  const picked = Array.from({ length: n }, () => words[Math.floor(next() * words.length)]);
  const s = picked.join(' ');
  return `${s.charAt(0).toUpperCase()}${s.slice(1)}.`;
};
for (const row of rows.slice(1)) {
  const had = row[column].trim().split(/\s+/).filter(Boolean).length;
  if (had > 0) row[column] = sentence(had);
  else if (more === '--more' && next() < 0.5) row[column] = sentence(8 + Math.floor(next() * 23));
}
const cell = (v) => (/[";\r\n,]/.test(v) ? `"${v.replaceAll('"', '""')}"` : v);
writeFileSync(file, `\uFEFF${rows.map((r) => r.map(cell).join(delimiter)).join('\r\n')}\r\n`);
process.stdout.write(`${to}: ${rows.length - 1} sager, bemærkninger med nye ord fra ${textFile}\n`);
