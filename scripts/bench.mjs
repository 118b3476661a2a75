// npm run bench: kommunebrev's speed, as ratios measured side by side in one
// run (the machine is shared, so absolute times vary; ratios are what count).
// Figures only; nothing is asserted.
//
//  1. Start-up: `--help`, `check` and `render --kommune 173` against `node -e 0`.
//  2. The whole `render` of the example barometer (a fresh process: start-up,
//     validation, every PDF and .eml, manifest, preview page) against a warm
//     headless Chromium printing the same letters (see below).
//  3. Where the time of one letter goes (in-process, one thread).
//  4. Scale: a generated barometer of 10,000 letters against the example's 98,
//     time per letter and peak memory (fresh processes; scripts/bench/scale.mjs).
//
// The Chromium comparison: Debian's /usr/bin/chromium via playwright-core,
// launched once before timing (launch excluded), one page reused, one letter
// printed before timing (warm). Each letter model is turned into HTML by a
// Handlebars template made for this bench (scripts/bench/letter.hbs: the same
// letterhead, text, case table and key, the same Roboto files, A4 with the
// same margins, "Side X af Y" in the footer), written to a temp folder before
// timing, and Chromium loads it and prints it with page.pdf(). Chromium's time
// excludes making the HTML and writing its PDFs; kommunebrev's includes its
// whole process start, reading and validating, and writing every file with
// fsync. Rounds alternate (kommunebrev, Chromium, kommunebrev, …) and the
// median of each is compared.
//
// The shaping cache: kommunebrev's renders go to a new out folder each time,
// so they start from the build's seed (dist/shaping-seed.json, the example
// letters' words), as a first render of any data does. `render --kommune` and
// the whole render are also timed with KOMMUNEBREV_SHAPING_CACHE=0 (every word
// shaped by fontkit) and printed beside, so both figures are on record.
//
//   npm run bench                     all of it (the 10,000-letter run takes minutes)
//   BENCH_SCALE=2000 npm run bench    a smaller scale run (0: none)
//   BENCH_ROUNDS=5 npm run bench      more rounds for the side-by-side figures
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import Handlebars from 'handlebars';
import { composeEml } from '../dist/adapters/letters/compose-email.js';
import { renderLetterPdf } from '../dist/adapters/letters/render-pdf.js';
import { describeRenderPlan, planRenderThreads } from '../dist/adapters/letters/render-pool.js';
import { writeLetterFile } from '../dist/adapters/letters/write-output.js';
import { loadBarometer } from '../dist/commands/load.js';
import { composeLetters } from '../dist/core/letters/compose-letter.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const DATA = process.env.BENCH_DATA ?? 'data/2023-ledsagelse';
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const SCALE = Number(process.env.BENCH_SCALE ?? 10000);
const CHROMIUM = process.env.KOMMUNEBREV_CHROMIUM ?? '/usr/bin/chromium';
const CLI = join(ROOT, 'bin', 'kommunebrev.js');

const fmt = (n, d = 1) => n.toFixed(d).replace('.', ',');
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const tmp = (tag) => mkdtempSync(join(tmpdir(), `kommunebrev-bench-${tag}-`));

/** Wall time of a child process in ms (fails loudly on a non-zero exit). */
function timeProcess(args, env = {}) {
  return timeProcessWithCpu(args, env).ms;
}

// GNU time, when the machine has it, also gives the child's CPU time (all its threads).
const GNU_TIME = existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;

/** Wall time in ms, and CPU seconds (user + system, every thread) where GNU time is there to tell. */
function timeProcessWithCpu(args, env = {}) {
  const [cmd, argv] = GNU_TIME
    ? [GNU_TIME, ['-f', 'KB_CPU %U %S', process.execPath, ...args]]
    : [process.execPath, args];
  const t = performance.now();
  const r = spawnSync(cmd, argv, { cwd: ROOT, env: { ...process.env, ...env }, encoding: 'utf8' });
  const ms = performance.now() - t;
  if (r.status !== 0) throw new Error(`${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  const m = /KB_CPU ([\d.]+) ([\d.]+)/.exec(r.stderr ?? '');
  return { ms, cpu: m ? Number(m[1]) + Number(m[2]) : undefined };
}

const loaded = await loadBarometer(DATA);
if (!loaded.ok) throw new Error(`${DATA} is invalid`);
const letters = composeLetters(loaded.data, loaded.templates);
const n = letters.length;
console.log(
  `kommunebrev bench: ${DATA} (${loaded.data.cases.length} sager, ${n} breve), Node ${process.version}, ${ROUNDS} runder`,
);

// ---------------------------------------------------------------------------
// 1. Start-up, side by side.

{
  const kommuneOut = tmp('kommune');
  const kode = letters.find((l) => l.kommune.kode === '173')?.kommune.kode ?? letters[0].kommune.kode;
  const runs = { node: [], help: [], check: [], kommune: [], kommuneNoCache: [] };
  const noCacheOut = tmp('kommune-nocache');
  for (let r = 0; r < ROUNDS + 2; r++) {
    runs.node.push(timeProcess(['-e', '0']));
    runs.help.push(timeProcess([CLI, '--help']));
    runs.check.push(timeProcess([CLI, 'check', '--data', DATA]));
    runs.kommune.push(timeProcess([CLI, 'render', '--data', DATA, '--out', kommuneOut, '--kommune', kode]));
    // The same without the shaping cache and its seed (every word shaped by fontkit).
    runs.kommuneNoCache.push(
      timeProcess([CLI, 'render', '--data', DATA, '--out', noCacheOut, '--kommune', kode], {
        KOMMUNEBREV_SHAPING_CACHE: '0',
      }),
    );
  }
  rmSync(kommuneOut, { recursive: true, force: true });
  rmSync(noCacheOut, { recursive: true, force: true });
  const base = median(runs.node);
  console.log('\n1. Opstart (median, proces for proces skiftevis):');
  console.log(`  node -e 0: ${fmt(base, 0)} ms`);
  console.log(
    `  kommunebrev --help: ${fmt(median(runs.help), 0)} ms = ${fmt(median(runs.help) / base, 2)} × node -e 0   (mål ≤ 4)`,
  );
  console.log(
    `  kommunebrev check: ${fmt(median(runs.check), 0)} ms = ${fmt(median(runs.check) / base, 2)} × node -e 0   (mål ≤ 4)`,
  );
  console.log(
    `  kommunebrev render --kommune ${kode}: ${fmt(median(runs.kommune), 0)} ms = ${fmt(median(runs.kommune) / base, 2)} × node -e 0   (mål ≤ 6)`,
  );
  console.log(
    `    uden ordcache (KOMMUNEBREV_SHAPING_CACHE=0): ${fmt(median(runs.kommuneNoCache), 0)} ms = ${fmt(median(runs.kommuneNoCache) / base, 2)} × node -e 0`,
  );
}

// ---------------------------------------------------------------------------
// 2. The whole render against a warm Chromium, side by side.

async function chromiumRunner() {
  if (!existsSync(CHROMIUM)) return undefined;
  const { chromium } = await import('playwright-core');
  const fontDir = join(dirname(createRequire(import.meta.url).resolve('pdfmake/package.json')), 'fonts', 'Roboto');
  const fontUrl = (f) => pathToFileURL(join(fontDir, f)).href;
  const fonts = {
    normal: fontUrl('Roboto-Regular.ttf'),
    bold: fontUrl('Roboto-Medium.ttf'),
    italics: fontUrl('Roboto-Italic.ttf'),
    bolditalics: fontUrl('Roboto-MediumItalic.ttf'),
  };
  const hb = Handlebars.create();
  hb.registerHelper('eq', (a, b) => a === b);
  const template = hb.compile(readFileSync(join(ROOT, 'scripts', 'bench', 'letter.hbs'), 'utf8'));
  const htmlDir = tmp('html');
  const pages = letters.map((model, i) => {
    const file = join(htmlDir, `${i}.html`);
    writeFileSync(file, template({ ...model, fonts }));
    return pathToFileURL(file).href;
  });
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--allow-file-access-from-files'] });
  const page = await browser.newPage();
  const footer = (model) =>
    `<div style="font: 8pt Roboto, sans-serif; color: #555; width: 100%; margin: 0 50pt; display: flex; justify-content: space-between">` +
    `<span>${hb.escapeExpression(`${model.titel} · ${model.kommune.navn}`)}</span><span>Side <span class="pageNumber"></span> af <span class="totalPages"></span></span></div>`;
  const pt = (x) => `${(x / 72).toFixed(4)}in`;
  const print = async (i) => {
    await page.goto(pages[i], { waitUntil: 'load' });
    return page.pdf({
      format: 'A4',
      printBackground: true,
      displayHeaderFooter: true,
      headerTemplate: '<span></span>',
      footerTemplate: footer(letters[i]),
      margin: { top: pt(56), right: pt(50), bottom: pt(64), left: pt(50) },
    });
  };
  await print(0); // warm
  return {
    async printAll() {
      let bytes = 0;
      const t = performance.now();
      for (let i = 0; i < letters.length; i++) bytes += (await print(i)).length;
      return { ms: performance.now() - t, bytes };
    },
    async close() {
      await browser.close();
      rmSync(htmlDir, { recursive: true, force: true });
    },
  };
}

{
  const browser = await chromiumRunner();
  const ours = [];
  const oursCpu = [];
  const oursNoCache = [];
  const theirs = [];
  let chromiumBytes = 0;
  for (let r = 0; r < ROUNDS; r++) {
    const out = tmp('render');
    const run = timeProcessWithCpu([CLI, 'render', '--data', DATA, '--out', out]);
    ours.push(run.ms);
    if (run.cpu !== undefined) oursCpu.push(run.cpu);
    rmSync(out, { recursive: true, force: true });
    // The same render without the shaping cache and its seed: every word shaped by fontkit.
    const cold = tmp('render-nocache');
    oursNoCache.push(timeProcess([CLI, 'render', '--data', DATA, '--out', cold], { KOMMUNEBREV_SHAPING_CACHE: '0' }));
    rmSync(cold, { recursive: true, force: true });
    if (browser) {
      const c = await browser.printAll();
      theirs.push(c.ms);
      chromiumBytes = c.bytes;
    }
  }
  await browser?.close();
  const o = median(ours);
  console.log(`\n2. Hele render af eksempelbarometret mod en varm Chromium (median af ${ROUNDS} runder, skiftevis):`);
  console.log(
    `  kommunebrev render (ny proces: opstart, validering, ${n} PDF + ${n} .eml, manifest, forhåndsvisning): ${fmt(o / 1000, 2)} s = ${fmt(o / n)} ms pr. brev`,
  );
  if (oursCpu.length > 0)
    console.log(
      `    CPU-tid for kommunebrev (alle tråde; brevene skrives af ${describeRenderPlan(planRenderThreads(n), n)}): ${fmt(median(oursCpu), 2)} s`,
    );
  if (browser) {
    const c = median(theirs);
    console.log(
      `  Chromium page.pdf af de samme ${n} breve som HTML (opstart af browser ikke medregnet): ${fmt(c / 1000, 2)} s = ${fmt(c / n)} ms pr. brev, ${fmt(chromiumBytes / n / 1024)} KiB pr. PDF`,
    );
    console.log(`  kommunebrev er ${fmt(c / o, 2)} × hurtigere end Chromium   (mål ≥ 4)`);
    const oc = median(oursNoCache);
    console.log(
      `    uden ordcache (KOMMUNEBREV_SHAPING_CACHE=0): ${fmt(oc / 1000, 2)} s = ${fmt(c / oc, 2)} × hurtigere end Chromium`,
    );
  } else {
    console.log(`  Chromium mangler (${CHROMIUM}); sammenligningen er sprunget over.`);
  }
}

// ---------------------------------------------------------------------------
// 3. One letter's steps, in-process, one thread.

{
  let t = performance.now();
  await renderLetterPdf(letters[0]);
  const first = performance.now() - t;
  const out = tmp('steps');
  let tPdf = 0,
    tEml = 0,
    tWrite = 0,
    bytes = 0;
  const perLetter = [];
  for (const model of letters) {
    t = performance.now();
    const pdf = await renderLetterPdf(model);
    const dPdf = performance.now() - t;
    tPdf += dPdf;
    t = performance.now();
    const eml = await composeEml(model, pdf);
    tEml += performance.now() - t;
    t = performance.now();
    await writeLetterFile(out, `${model.filBase}.pdf`, pdf);
    await writeLetterFile(out, `${model.filBase}.eml`, eml);
    tWrite += performance.now() - t;
    bytes += pdf.length;
    perLetter.push({ cases: model.antalSager, ms: dPdf });
  }
  rmSync(out, { recursive: true, force: true });
  perLetter.sort((a, b) => a.ms - b.ms);
  const slowest = perLetter[perLetter.length - 1];
  console.log('\n3. Et brevs trin (i processen, én tråd):');
  console.log(`  første PDF (indlæser fonte): ${fmt(first)} ms`);
  console.log(
    `  PDF: ${fmt(tPdf / n)} ms pr. brev (median ${fmt(median(perLetter.map((p) => p.ms)))} ms, langsomste ${fmt(slowest.ms)} ms ved ${slowest.cases} sager), ${fmt(bytes / n / 1024)} KiB i gennemsnit`,
  );
  console.log(`  e-mail: ${fmt(tEml / n, 2)} ms pr. brev   skriv filer (fsync): ${fmt(tWrite / n, 2)} ms pr. brev`);
}

// ---------------------------------------------------------------------------
// 4. Scale.

{
  const scale = (what) => {
    const r = spawnSync(process.execPath, [join(ROOT, 'scripts', 'bench', 'scale.mjs'), what], {
      cwd: ROOT,
      encoding: 'utf8',
      env: { ...process.env, BENCH_DATA: DATA },
    });
    if (r.status !== 0) throw new Error(`scale ${what}: ${r.stderr}`);
    return JSON.parse(r.stdout.trim().split('\n').pop());
  };
  const small = scale('example');
  if (!(SCALE > 0)) {
    console.log(`\n4. Skala: sprunget over (BENCH_SCALE=${process.env.BENCH_SCALE}).`);
    process.exit(0);
  }
  const big = scale(String(SCALE));
  const small2 = scale('example');
  // The less disturbed of the two runs (the machine is shared).
  const smallMs = Math.min(small.msPerLetter, small2.msPerLetter);
  console.log(`\n4. Skala (render efter validering, ny proces hver gang; ${n} breve før og efter):`);
  console.log(
    `  ${n} breve: ${fmt(small.msPerLetter)} og ${fmt(small2.msPerLetter)} ms pr. brev, højeste RSS ${Math.max(small.peakRssMiB, small2.peakRssMiB)} MiB`,
  );
  console.log(
    `  ${big.letters} breve (genereret): ${fmt(big.msPerLetter)} ms pr. brev = ${fmt((100 * big.msPerLetter) / smallMs - 100)} % i forhold til ${n} breve   (mål ≤ +10 %)`,
  );
  console.log(
    `  højeste RSS ${big.peakRssMiB} MiB   (mål ≤ 400); RSS ved 25/50/75/100 %: ${Object.values(big.rssMiBAt).join(' / ')} MiB`,
  );
}
