// Per-kommune send status, as folded from the send journal (journal-fold.ts).
// Shared by `send`, `status` and the preview page. Everything here comes from
// journal lines, never from the manifest or kommuner.csv as they are now.

export type SendState = 'sent' | 'failed' | 'uafklaret';

/** The archive copy of one delivery (barometer.json `arkivkopi`), as the journal tells it. */
export interface ArchiveCopy {
  state: SendState;
  /** ISO time of the copy's last journal line. */
  at: string;
  /** The archive address it was sent to (envelope only; never in To or Cc). */
  to: string;
  response?: string;
}

/** One time the letter reached the kommune's mail server (or was confirmed to, after uafklaret). */
export interface Delivery {
  /** ISO time the server accepted it (for a confirmed uafklaret send: when it was sent). */
  at: string;
  /** The address it really went to (the envelope recipient of that transaction). */
  to: string;
  messageId: string;
  /** The Date field it carried (absent in old journals). */
  date?: string;
  /** sha256 of the bytes transmitted. */
  sha256: string;
  /** sha256 of the letter without its Date and Message-ID fields (the letter version); absent in old journals. */
  contentSha256?: string;
  /** The .eml file it was made from, and that file's sha256. */
  emlFile: string;
  emlSha256: string;
  /** barometer.json `journalnummer` when it was sent (from its run line). */
  journalnummer?: string;
  /** Sent again on purpose (--resend). */
  resend: boolean;
  /** The server's reply, or the note that it was confirmed by hand. */
  response: string;
  /** Recorded with --mark-sent after it was uafklaret. */
  confirmedManually: boolean;
  /** The archive copy, when one was sent (or tried). */
  arkivkopi?: ArchiveCopy;
}

export interface KommuneSendStatus {
  kommunekode: string;
  state: SendState;
  /** ISO time of the last journal entry for this kommune. */
  at: string;
  /** The Message-ID of the last attempt. */
  messageId?: string;
  /** Envelope recipient of the last attempt: where it went (or was to go). */
  to?: string;
  /** The SMTP server's reply (sent) or the error text (failed / uafklaret). */
  response?: string;
  /** SMTP reply code when known. */
  code?: number;
  /** How many times it was sent on purpose again (--resend). */
  resends: number;
  /** Every delivery, oldest first. */
  deliveries: Delivery[];
}

export type SendStatusMap = Map<string, KommuneSendStatus>;

/** One test send (send --test ADRESSE) of a kommune's letter: never a delivery to the kommune. */
export interface TestSend {
  at: string;
  to: string;
  messageId: string;
  sha256?: string;
  state: SendState;
  response?: string;
}
