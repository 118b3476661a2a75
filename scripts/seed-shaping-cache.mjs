// npm run build, last step: the shaping cache's seed (dist/shaping-seed.json).
//
// Renders the example barometer's letters in this process (nothing is
// written but the seed) so that every word they contain is shaped once, and
// saves those words with src/adapters/letters/shaping-cache.ts. A render into
// a folder that has no shaping cache of its own starts from the seed: the
// letter templates' text, the kommuner's names, dates and numbers are then
// shaped already, also for data the seed never saw. Skipped when the seed is
// there and its key (cache format, fontkit and pdfkit versions, font bytes)
// still matches: a cached word is the same whichever letter asked for it.
import { join } from 'node:path';
import { loadBarometer } from '../dist/commands/load.js';
import { composeLetters } from '../dist/core/letters/compose-letter.js';
import { renderLetterPdf } from '../dist/adapters/letters/render-pdf.js';
import { shapingSeedIsCurrent, writeShapingSeed } from '../dist/adapters/letters/shaping-cache.js';

const ROOT = join(import.meta.dirname, '..');
const DATA = join(ROOT, 'data', '2023-ledsagelse');

if (!(await shapingSeedIsCurrent())) {
  const started = performance.now();
  const loaded = await loadBarometer(DATA);
  if (!loaded.ok) throw new Error(`${DATA}: eksempeldata er ugyldige`);
  const letters = composeLetters(loaded.data, loaded.templates);
  for (const letter of letters) await renderLetterPdf(letter);
  await writeShapingSeed();
  const s = ((performance.now() - started) / 1000).toFixed(1).replace('.', ',');
  console.log(`Skrev dist/shaping-seed.json (ord fra ${letters.length} eksempelbreve) på ${s} s`);
}
