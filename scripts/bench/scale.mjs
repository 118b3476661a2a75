// Part of npm run bench: renders a barometer through `render` (after read →
// validate) in a fresh process and prints one JSON line: time per letter and
// memory. `node scripts/bench/scale.mjs example` renders the example
// barometer; `node scripts/bench/scale.mjs 10000` 10,000 generated letters
// (made in memory, never written to data/): the example's kommuner and cases
// repeated. A kommunekode has three digits, so one barometer holds at most
// 999 letters; 10,000 letters are rendered as consecutive generated
// barometers of 999 (ids …-del-1, …-del-2, …) in one process, each entering
// `render` right after validation.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadBarometer } from '../../dist/commands/load.js';
import { renderLoaded } from '../../dist/commands/render.js';

const DATA = process.env.BENCH_DATA ?? 'data/2023-ledsagelse';
const what = process.argv[2] ?? 'example';

const loaded = await loadBarometer(DATA);
if (!loaded.ok) throw new Error(`${DATA} is invalid`);

function generate(data, n, part) {
  const byKode = new Map();
  for (const c of data.cases) byKode.set(c.kommunekode, [...(byKode.get(c.kommunekode) ?? []), c]);
  const sources = data.kommuner.filter((k) => byKode.has(k.kode));
  const kommuner = [];
  const cases = [];
  for (let i = 0; i < n; i++) {
    const src = sources[i % sources.length];
    const kode = String(i + 1).padStart(3, '0');
    kommuner.push({ ...src, kode, navn: `${src.navn} ${part}-${Math.floor(i / sources.length) + 1}`, row: i + 2 });
    for (const c of byKode.get(src.kode))
      cases.push({ ...c, kommunekode: kode, sagsnummer: `${c.sagsnummer}-${part}-${i}`, row: cases.length + 2 });
  }
  return { ...data, barometer: { ...data.barometer, id: `${data.barometer.id}-del-${part}` }, kommuner, cases };
}

const inputs = [];
if (what === 'example') inputs.push(loaded);
else
  for (let left = Number(what), part = 1; left > 0; left -= 999, part++)
    inputs.push({ ...loaded, data: generate(loaded.data, Math.min(999, left), part), problems: [] });
const letters = inputs.reduce((n, input) => n + new Set(input.data.cases.map((c) => c.kommunekode)).size, 0);
const out = mkdtempSync(join(tmpdir(), 'kommunebrev-bench-scale-'));
const samples = [];
const sampler = setInterval(() => samples.push(process.memoryUsage().rss), 100);
const quiet = {
  out() {},
  write() {},
  err() {},
  errWrite() {},
  errIsTTY: false,
  interactive: false,
  ask: async () => '',
};
const t0 = performance.now();
let code = 0;
for (const input of inputs) {
  code = Math.max(code, await renderLoaded(input, { data: DATA, out }, quiet, performance.now()));
  rmSync(join(out, input.data.barometer.id), { recursive: true, force: true });
}
const ms = performance.now() - t0;
clearInterval(sampler);
rmSync(out, { recursive: true, force: true });
const q = (f) => samples[Math.min(samples.length - 1, Math.floor(f * samples.length))] ?? 0;
const mib = (b) => Math.round(b / 1024 / 1024);
console.log(
  JSON.stringify({
    what,
    letters,
    exit: code,
    ms: Math.round(ms),
    msPerLetter: ms / letters,
    peakRssMiB: mib(process.resourceUsage().maxRSS * 1024),
    rssMiBAt: { '25%': mib(q(0.25)), '50%': mib(q(0.5)), '75%': mib(q(0.75)), '100%': mib(q(0.999)) },
  }),
);
