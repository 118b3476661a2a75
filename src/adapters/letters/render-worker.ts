// Worker thread: renders one letter (PDF + .eml) per message. Both renderers
// are deterministic, so which thread renders a letter does not change a byte.
// The fonts are loaded as soon as the worker starts, while the main thread
// is still composing and handing out letters.
import { parentPort } from 'node:worker_threads';
import { composeEml } from './compose-email.js';
import { prepareRenderer, renderLetterPdf } from './render-pdf.js';
import type { LetterModel } from '../../core/types.js';

prepareRenderer();

parentPort?.on('message', async (msg: { id: number; model: LetterModel }) => {
  try {
    const pdf = await renderLetterPdf(msg.model);
    const eml = await composeEml(msg.model, pdf);
    parentPort?.postMessage({ id: msg.id, pdf, eml });
  } catch (err) {
    parentPort?.postMessage({ id: msg.id, error: (err as Error).stack ?? String(err) });
  }
});
