// Per-kommune send status, as folded from the send journal. Shared by
// `send`, `status` and the preview page.

export type SendState = 'sent' | 'failed' | 'uafklaret';

export interface KommuneSendStatus {
  kommunekode: string;
  state: SendState;
  /** ISO time of the last journal entry for this kommune. */
  at: string;
  messageId?: string;
  /** The SMTP server's reply (sent) or the error text (failed / uafklaret). */
  response?: string;
  /** SMTP reply code when known. */
  code?: number;
  /** How many times it was sent on purpose again (--resend). */
  resends: number;
}

export type SendStatusMap = Map<string, KommuneSendStatus>;
