// npm run bench: renders the whole example barometer in-process and prints
// where the time goes. Figures only; nothing is asserted.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { composeEml } from '../dist/adapters/letters/compose-email.js';
import { renderLetterPdf } from '../dist/adapters/letters/render-pdf.js';
import { renderThreads } from '../dist/adapters/letters/render-pool.js';
import { writeLetterFile } from '../dist/adapters/letters/write-output.js';
import { loadBarometer } from '../dist/commands/load.js';
import { runRender } from '../dist/commands/render.js';
import { assessNationalFigures } from '../dist/core/letters/assess.js';
import { composeLetters } from '../dist/core/letters/compose-letter.js';

const DATA = process.argv[2] ?? 'data/2023-ledsagelse';
const ms = (t0) => performance.now() - t0;
const fmt = (n, d = 1) => n.toFixed(d).replace('.', ',');
let peakRss = process.memoryUsage().rss;
const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 5);

// 1. The steps separately, to know what costs what.
let t = performance.now();
const loaded = await loadBarometer(DATA);
if (!loaded.ok) throw new Error('example data is invalid');
const tLoad = ms(t);

t = performance.now();
const figures = assessNationalFigures(loaded.data.cases, loaded.data.ruleSet);
const tAssess = ms(t);

t = performance.now();
const letters = composeLetters(loaded.data, loaded.templates);
const tCompose = ms(t);

// Warm-up letter: font parsing and module initialisation happen once.
t = performance.now();
await renderLetterPdf(letters[0]);
const tFirstPdf = ms(t);

const out = mkdtempSync(join(tmpdir(), 'kommunebrev-bench-'));
let tPdf = 0, tEml = 0, tWrite = 0, bytes = 0;
const perLetter = [];
for (const model of letters) {
  let s = performance.now();
  const pdf = await renderLetterPdf(model);
  const dPdf = ms(s);
  tPdf += dPdf;
  s = performance.now();
  const eml = await composeEml(model, pdf);
  tEml += ms(s);
  s = performance.now();
  await writeLetterFile(out, `${model.filBase}.pdf`, pdf);
  await writeLetterFile(out, `${model.filBase}.eml`, eml);
  tWrite += ms(s);
  bytes += pdf.length;
  perLetter.push({ n: model.antalSager, ms: dPdf });
}
rmSync(out, { recursive: true, force: true });

// 2. The whole command as a user runs it (in-process, so without Node start-up).
const out2 = mkdtempSync(join(tmpdir(), 'kommunebrev-bench-'));
const quiet = { out() {}, err() {}, errIsTTY: false, interactive: false, ask: async () => '' };
t = performance.now();
const code = await runRender({ data: DATA, out: out2 }, quiet);
const tWhole = ms(t);
rmSync(out2, { recursive: true, force: true });
clearInterval(sampler);
peakRss = Math.max(peakRss, process.memoryUsage().rss);

perLetter.sort((a, b) => a.ms - b.ms);
const median = perLetter[Math.floor(perLetter.length / 2)];
const slowest = perLetter[perLetter.length - 1];
const n = letters.length;
console.log(`kommunebrev bench: ${DATA} (${figures.sager} sager, ${n} breve), Node ${process.version}`);
console.log(`  hele barometret (render, i processen, ${renderThreads(n)} tråde): ${fmt(tWhole / 1000, 2)} s  = ${fmt(tWhole / n)} ms pr. brev  (exit ${code})`);
console.log(`  læs + valider: ${fmt(tLoad)} ms   vurder: ${fmt(tAssess, 2)} ms   sammensæt breve: ${fmt(tCompose)} ms`);
console.log(`  første PDF (opvarmning, fonte): ${fmt(tFirstPdf)} ms`);
console.log(`  PDF, én tråd: ${fmt(tPdf / n)} ms pr. brev (median ${fmt(median.ms)} ms, langsomste ${fmt(slowest.ms)} ms ved ${slowest.n} sager)`);
console.log(`  e-mail: ${fmt(tEml / n, 2)} ms pr. brev   skriv filer (fsync): ${fmt(tWrite / n, 2)} ms pr. brev`);
console.log(`  PDF-størrelse: ${fmt(bytes / n / 1024)} KiB i gennemsnit`);
console.log(`  højeste hukommelsesforbrug (RSS, hovedtråd; arbejdertråde deler processen): ${fmt(peakRss / 1024 / 1024)} MiB`);
