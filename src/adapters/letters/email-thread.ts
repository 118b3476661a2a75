// Composes the letters' .eml files on a thread of their own while the main
// thread renders the next PDF (issue 11). Composing a letter's email
// (nodemailer's MailComposer: MIME, base64 of the PDF) took ~3.6 ms of the
// main thread per letter, ~10 % of a whole render; on its own thread it
// overlaps with the next letter's PDF. The thread is small (no pdfmake, no
// fonts) and starts in tens of milliseconds.
//
// Nothing is lost if the thread ends: its pending emails, and every later
// one, are composed on the main thread instead. An error composing an email
// is the render's error, as it would be on the main thread.
import { Worker } from 'node:worker_threads';
import { composeEml } from './compose-email.js';
import type { LetterModel } from '../../core/types.js';

interface Pending {
  model: LetterModel;
  pdf: Buffer;
  resolve(eml: Buffer): void;
  reject(error: Error): void;
}

type EmailMessage = { id: number; eml: Uint8Array } | { id: number; error: string };

export class EmailThread {
  private readonly worker: Worker;
  private readonly pending = new Map<number, Pending>();
  private nextId = 0;
  private gone = false;

  constructor() {
    this.worker = new Worker(new URL('./email-worker.js', import.meta.url), {
      resourceLimits: { maxOldGenerationSizeMb: 64, maxYoungGenerationSizeMb: 16 },
    });
    this.worker.on('message', (msg: EmailMessage) => {
      const p = this.pending.get(msg.id);
      if (!p) return;
      this.pending.delete(msg.id);
      if ('error' in msg) p.reject(new Error(msg.error));
      else p.resolve(Buffer.from(msg.eml.buffer, msg.eml.byteOffset, msg.eml.byteLength));
    });
    // A thread that fails to start or ends: the main thread takes over.
    this.worker.on('error', () => this.takeOver());
    this.worker.on('exit', () => this.takeOver());
  }

  /** The letter's .eml, composed on the thread (or here, once the thread is gone). */
  compose(model: LetterModel, pdf: Buffer): Promise<Buffer> {
    if (this.gone) return composeEml(model, pdf);
    return new Promise<Buffer>((resolve, reject) => {
      const id = this.nextId++;
      this.pending.set(id, { model, pdf, resolve, reject });
      this.worker.postMessage({ id, model, pdf });
    });
  }

  async close(): Promise<void> {
    this.gone = true;
    await this.worker.terminate();
  }

  private takeOver(): void {
    if (this.gone && this.pending.size === 0) return;
    this.gone = true;
    const left = [...this.pending.values()];
    this.pending.clear();
    for (const p of left) composeEml(p.model, p.pdf).then(p.resolve, p.reject);
  }
}
