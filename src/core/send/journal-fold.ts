// Folding the send journal into what happened per kommune: its state (the
// last line wins; an intent with nothing after it is uafklaret), every
// delivery with the address it really went to, its archive copies, and test
// sends apart. Pure. This is the only source of what `status`, `send` and the
// preview page say about a letter that was sent.
import { kindOf, type IntentEntry, type JournalEntry, type KommuneEntry } from './journal.js';
import type { ArchiveCopy, Delivery, KommuneSendStatus, SendStatusMap, TestSend } from './send-status.js';

const REPLY_CODE = /^([245]\d\d)[ -]/;

export function replyCode(response: string | undefined): number | undefined {
  const m = REPLY_CODE.exec(response ?? '');
  return m?.[1] !== undefined ? Number(m[1]) : undefined;
}

export const UAFKLARET_AFTER_INTENT =
  'Afsendelsen blev afbrudt, efter at den var påbegyndt, og før mailserverens svar blev registreret.';

export const CONFIRMED_MANUALLY = 'Markeret som modtaget (kontrolleret manuelt efter uafklaret afsendelse).';

function attemptKey(e: KommuneEntry & { attempt: number }): string {
  return `${e.run}|${e.kommunekode}|${kindOf(e)}|${e.attempt}`;
}

function deliveryOf(
  intent: IntentEntry,
  at: string,
  response: string,
  confirmedManually: boolean,
  journalnummer: string | undefined,
): Delivery {
  const d: Delivery = {
    at,
    to: intent.recipient,
    messageId: intent.messageId,
    // Before send set Date and Message-ID itself, it transmitted the .eml file as it was.
    sha256: intent.sha256 ?? intent.emlSha256,
    emlFile: intent.emlFile,
    emlSha256: intent.emlSha256,
    resend: intent.resend,
    response,
    confirmedManually,
  };
  if (intent.contentSha256 !== undefined) d.contentSha256 = intent.contentSha256;
  if (intent.date !== undefined) d.date = intent.date;
  if (journalnummer !== undefined) d.journalnummer = journalnummer;
  return d;
}

export interface JournalRecord {
  /** Per kommune with at least one letter line: state and deliveries. */
  status: SendStatusMap;
  /** Per kommune: test sends, oldest first. */
  tests: Map<string, TestSend[]>;
}

/** Everything the journal says, per kommune. */
export function foldRecord(entries: readonly JournalEntry[]): JournalRecord {
  const status: SendStatusMap = new Map();
  const tests = new Map<string, TestSend[]>();
  const intents = new Map<string, IntentEntry>();
  /** The last letter intent per kommune (for --mark-sent). */
  const lastIntent = new Map<string, IntentEntry>();
  const resendRuns = new Map<string, Set<string>>();
  /** Deliveries by kommune and Message-ID, for their archive copies. */
  const byMessageId = new Map<string, Delivery>();
  /** Test sends by run and kommune (retries within a run are one test send). */
  const testByRun = new Map<string, TestSend>();
  /** The journal number each run sent under. */
  const journalnummer = new Map<string, string>();

  for (const e of entries) {
    if (e.type === 'run' && e.journalnummer !== undefined) journalnummer.set(e.run, e.journalnummer);
    if (e.type === 'run' || e.type === 'run-end') continue;
    const kode = e.kommunekode;
    const kind = kindOf(e);
    const intent = e.type === 'intent' ? e : e.type !== 'marked-sent' ? intents.get(attemptKey(e)) : undefined;
    if (e.type === 'intent') intents.set(attemptKey(e), e);

    if (kind === 'test') {
      if (!intent) continue;
      const key = `${e.run}|${kode}`;
      let t = testByRun.get(key);
      if (!t) {
        t = { at: e.at, to: intent.recipient, messageId: intent.messageId, state: 'uafklaret' };
        testByRun.set(key, t);
        tests.set(kode, [...(tests.get(kode) ?? []), t]);
      }
      t.at = e.at;
      t.to = intent.recipient;
      t.messageId = intent.messageId;
      if (intent.sha256 !== undefined) t.sha256 = intent.sha256;
      if (e.type === 'intent') {
        t.state = 'uafklaret';
        t.response = UAFKLARET_AFTER_INTENT;
      } else if (e.type !== 'marked-sent') {
        t.state = e.type;
        t.response = e.response;
      }
      continue;
    }

    if (kind === 'arkivkopi') {
      const messageId = intent?.messageId ?? (e.type === 'marked-sent' ? e.messageId : undefined);
      const delivery = messageId !== undefined ? byMessageId.get(`${kode}|${messageId}`) : undefined;
      if (!delivery) continue;
      const markedTo = e.type === 'marked-sent' ? e.recipient : undefined;
      const copy: ArchiveCopy = {
        state: 'uafklaret',
        at: e.at,
        to: intent?.recipient ?? markedTo ?? delivery.arkivkopi?.to ?? '',
      };
      if (e.type === 'intent') copy.response = UAFKLARET_AFTER_INTENT;
      else if (e.type === 'marked-sent') {
        copy.state = 'sent';
        copy.response = CONFIRMED_MANUALLY;
      } else {
        copy.state = e.type;
        copy.response = e.response;
      }
      delivery.arkivkopi = copy;
      continue;
    }

    // The letter to the kommune.
    const previous = status.get(kode);
    const deliveries = previous?.deliveries ?? [];
    const runs = resendRuns.get(kode) ?? new Set<string>();
    resendRuns.set(kode, runs);
    if (e.type === 'intent' && e.resend) runs.add(e.run);
    const resends = runs.size;
    const common = { kommunekode: kode, at: e.at, resends, deliveries };
    let next: KommuneSendStatus;
    switch (e.type) {
      case 'intent':
        lastIntent.set(kode, e);
        next = {
          ...common,
          state: 'uafklaret',
          messageId: e.messageId,
          to: e.recipient,
          response: UAFKLARET_AFTER_INTENT,
        };
        break;
      case 'sent': {
        next = { ...common, state: 'sent', messageId: e.messageId, response: e.response };
        if (intent) {
          next.to = intent.recipient;
          const d = deliveryOf(intent, e.at, e.response, false, journalnummer.get(intent.run));
          deliveries.push(d);
          byMessageId.set(`${kode}|${d.messageId}`, d);
        }
        const code = e.code ?? replyCode(e.response);
        if (code !== undefined) next.code = code;
        break;
      }
      case 'failed':
      case 'uafklaret':
        next = { ...common, state: e.type, response: e.response };
        if (previous?.messageId !== undefined) next.messageId = previous.messageId;
        if (intent) next.to = intent.recipient;
        if (e.code !== undefined) next.code = e.code;
        break;
      case 'marked-sent': {
        next = { ...common, state: 'sent', messageId: e.messageId, response: CONFIRMED_MANUALLY };
        const sentIntent = lastIntent.get(kode);
        if (sentIntent) {
          next.to = sentIntent.recipient;
          const d = deliveryOf(
            { ...sentIntent, messageId: e.messageId },
            sentIntent.at,
            CONFIRMED_MANUALLY,
            true,
            journalnummer.get(sentIntent.run),
          );
          deliveries.push(d);
          byMessageId.set(`${kode}|${d.messageId}`, d);
        }
        break;
      }
    }
    if (next.to === undefined && previous?.to !== undefined) next.to = previous.to;
    status.set(kode, next);
  }
  return { status, tests };
}

/** Per kommune, the state of its letter as the journal tells it. */
export function foldJournal(entries: readonly JournalEntry[]): SendStatusMap {
  return foldRecord(entries).status;
}

/** The newest delivery of a letter, if it was ever delivered. */
export function lastDelivery(s: KommuneSendStatus | undefined): Delivery | undefined {
  return s?.deliveries.at(-1);
}
