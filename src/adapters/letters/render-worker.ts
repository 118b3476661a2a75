// Helper thread: renders one letter (PDF + .eml) per message. Both renderers
// are deterministic, so which thread renders a letter does not change a byte.
// It loads pdfmake and the fonts as soon as it starts and then says it is
// ready (render-pool.ts sends it letters only from then on).
import { parentPort } from 'node:worker_threads';
import { composeEml } from './compose-email.js';
import { prepareRenderer, renderLetterPdf } from './render-pdf.js';
import type { LetterModel } from '../../core/types.js';

/**
 * Test hook: KOMMUNEBREV_TEST_HELPER_EXIT_AFTER=N ends this helper right after
 * its N-th letter, with a letter still queued for it, as a crashed helper
 * would. Only ever set by the test suite (test/render-threads.test.ts).
 */
const exitAfter = Number(process.env.KOMMUNEBREV_TEST_HELPER_EXIT_AFTER);
let rendered = 0;

prepareRenderer();
parentPort?.postMessage({ ready: true });

parentPort?.on('message', async (msg: { id: number; model: LetterModel }) => {
  try {
    const pdf = await renderLetterPdf(msg.model);
    const eml = await composeEml(msg.model, pdf);
    parentPort?.postMessage({ id: msg.id, pdf, eml });
    if (++rendered === exitAfter) process.exit(0);
  } catch (err) {
    parentPort?.postMessage({ id: msg.id, error: (err as Error).stack ?? String(err) });
  }
});
