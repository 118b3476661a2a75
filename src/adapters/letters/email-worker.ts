// Email thread: composes one letter's .eml per message (render-pool.ts sends
// it each PDF the main thread renders). composeEml is deterministic, so the
// thread does not change a byte.
import { parentPort } from 'node:worker_threads';
import { composeEml } from './compose-email.js';
import type { LetterModel } from '../../core/types.js';

/**
 * Test hook: KOMMUNEBREV_TEST_EMAIL_THREAD_EXIT_AFTER=N ends this thread right
 * after its N-th email, as a crashed thread would. Only ever set by the test
 * suite (test/render-threads.test.ts).
 */
const exitAfter = Number(process.env.KOMMUNEBREV_TEST_EMAIL_THREAD_EXIT_AFTER);
let composed = 0;

parentPort?.on('message', async (msg: { id: number; model: LetterModel; pdf: Uint8Array }) => {
  try {
    const eml = await composeEml(msg.model, Buffer.from(msg.pdf.buffer, msg.pdf.byteOffset, msg.pdf.byteLength));
    parentPort?.postMessage({ id: msg.id, eml });
    if (++composed === exitAfter) process.exit(0);
  } catch (err) {
    parentPort?.postMessage({ id: msg.id, error: (err as Error).stack ?? String(err) });
  }
});
