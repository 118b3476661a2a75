// The messages of a run, built per attempt: the letter as rendered with its
// Date and Message-ID set at send time, a test send composed by the same
// templates, and the archive copy (the very bytes the kommune got).
import { randomBytes } from 'node:crypto';
import { composeEml } from '../adapters/letters/compose-email.js';
import type { ManifestLetter } from '../core/letters/manifest.js';
import { sha256 } from '../core/sha256.js';
import { attemptMessageId, contentSha256, rfc5322Date, stampHeaders } from '../core/send/eml-headers.js';
import type { Delivery } from '../core/send/send-status.js';
import { testLetterModel } from '../core/send/test-send.js';
import type { LetterModel } from '../core/types.js';
import type { Job, Prepared } from './send-run.js';

/** One run id: time and process, plus a random part so two runs never share one. */
export function newRunId(now = new Date()): string {
  return `${now.toISOString().replace(/[-:.]/g, '').slice(0, 15)}-${process.pid}-${randomBytes(3).toString('hex')}`;
}

/** The letter as previewed, with Date = now and a Message-ID of its own for this attempt. */
export function letterJob(
  letter: ManifestLetter,
  eml: Buffer,
  to: string,
  resend: boolean,
  runId: string,
  copyTo?: string,
): Job {
  // Everything but Date and Message-ID must be exactly what render wrote and the preview showed.
  const expected = letter.eml.contentSha256 ?? contentSha256(eml);
  const job: Job = {
    letter,
    kind: 'brev',
    to,
    resend,
    prepare(attempt): Prepared {
      const messageId = attemptMessageId(letter.email.messageId, `${runId}.${attempt}`);
      const date = rfc5322Date(new Date());
      const bytes = stampHeaders(eml, { date, messageId });
      const content = contentSha256(bytes);
      if (content !== expected)
        throw new Error(`the message for ${letter.kommunekode} differs from the render beyond Date and Message-ID`);
      return { bytes, messageId, date, sha256: sha256(bytes), contentSha256: content };
    },
  };
  if (copyTo !== undefined) job.then = (sent) => copyJob(letter, copyTo, () => sent);
  return job;
}

/** The archive copy: the same bytes (Date, Message-ID and all) as the delivery it copies. */
export function copyJob(letter: ManifestLetter, to: string, bytes: () => Prepared): Job {
  return { letter, kind: 'arkivkopi', to, resend: false, prepare: bytes };
}

/**
 * The archive copy of an earlier delivery: rebuilt from the .eml with the
 * Date and Message-ID that delivery carried; undefined when the bytes cannot
 * be made again (the letter was rendered anew since), so nothing else is sent
 * as its copy.
 */
export function rebuiltCopy(letter: ManifestLetter, eml: Buffer, delivery: Delivery): Prepared | undefined {
  if (delivery.date === undefined) return undefined;
  const bytes = stampHeaders(eml, { date: delivery.date, messageId: delivery.messageId });
  const hash = sha256(bytes);
  if (hash !== delivery.sha256) return undefined;
  return {
    bytes,
    messageId: delivery.messageId,
    date: delivery.date,
    sha256: hash,
    contentSha256: contentSha256(bytes),
  };
}

/** A test send: the kommune's letter composed anew to the test address, with the rendered PDF attached. */
export function testJob(letter: ManifestLetter, model: LetterModel, pdf: Buffer, address: string, runId: string): Job {
  return {
    letter,
    kind: 'test',
    to: address,
    resend: false,
    async prepare(attempt): Promise<Prepared> {
      const messageId = attemptMessageId(letter.email.messageId, `${runId}.test.${attempt}`);
      const now = new Date();
      const bytes = await composeEml(testLetterModel(model, address, { isoDate: now.toISOString(), messageId }), pdf);
      return { bytes, messageId, date: rfc5322Date(now), sha256: sha256(bytes) };
    },
  };
}
