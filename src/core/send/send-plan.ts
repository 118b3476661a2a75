// Planning a run from the manifest and what the journal says: which letters
// go now, which were sent already (and whether a newer version of them is
// waiting), which are uafklaret. Pure.
import type { ManifestLetter } from '../letters/manifest.js';
import { lastDelivery } from './journal-fold.js';
import type { Delivery, KommuneSendStatus, SendStatusMap } from './send-status.js';

export interface PlanOptions {
  /** Only this kommune (already resolved to a kode). */
  kommunekode?: string | undefined;
  /** Send again on purpose, even if sent or uafklaret. Requires kommunekode. */
  resend: boolean;
}

export interface PlannedLetter {
  letter: ManifestLetter;
  /** Recorded as a resend: it was sent (or may have been) before. */
  resend: boolean;
  /** The state before this run, if any. */
  before?: KommuneSendStatus['state'];
}

/** How the letter in the folder now differs from the one that was delivered. */
export interface VersionChange {
  letter: ManifestLetter;
  delivery: Delivery;
  /** The address changed: it went to `delivery.to`, the letter is now for `letter.recipient`. */
  address: boolean;
  /** The letter's content changed (cases, wording, …). */
  content: boolean;
}

/** Whether the current letter is another version than the delivered one; undefined when it is the same. */
export function versionChange(letter: ManifestLetter, delivery: Delivery | undefined): VersionChange | undefined {
  if (!delivery) return undefined;
  const address = delivery.to.toLowerCase() !== letter.recipient.toLowerCase();
  const content =
    delivery.contentSha256 !== undefined && letter.eml.contentSha256 !== undefined
      ? delivery.contentSha256 !== letter.eml.contentSha256
      : delivery.emlSha256 !== letter.eml.sha256;
  return address || content ? { letter, delivery, address, content } : undefined;
}

export interface SendPlan {
  toSend: PlannedLetter[];
  /** Sent already; skipped. */
  alreadySent: ManifestLetter[];
  /** Sent already, and the letter in the folder now is a newer version that has not been sent. */
  newerUnsent: VersionChange[];
  /** Uafklaret; not sent again automatically. */
  uafklaret: ManifestLetter[];
}

export function planSend(letters: readonly ManifestLetter[], status: SendStatusMap, opts: PlanOptions): SendPlan {
  if (opts.resend && opts.kommunekode === undefined) throw new Error('planSend: resend requires a kommunekode');
  const plan: SendPlan = { toSend: [], alreadySent: [], newerUnsent: [], uafklaret: [] };
  for (const letter of letters) {
    if (opts.kommunekode !== undefined && letter.kommunekode !== opts.kommunekode) continue;
    const s = status.get(letter.kommunekode);
    const before = s?.state;
    if (opts.resend) {
      plan.toSend.push({ letter, resend: before === 'sent' || before === 'uafklaret', ...(before ? { before } : {}) });
    } else if (before === 'sent') {
      plan.alreadySent.push(letter);
      const change = versionChange(letter, lastDelivery(s));
      if (change) plan.newerUnsent.push(change);
    } else if (before === 'uafklaret') {
      plan.uafklaret.push(letter);
    } else {
      plan.toSend.push(before === undefined ? { letter, resend: false } : { letter, resend: false, before });
    }
  }
  return plan;
}
