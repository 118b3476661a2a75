// What a failed SMTP transaction means for the letter: the server refused it
// (temporary or permanent), or it is uafklaret (it may have been accepted).
// Pure; the transport (src/adapters/send/smtp-transport.ts) observes how far
// the message got.

/** The fields of a nodemailer error that matter here. */
export interface SmtpErrorInfo {
  /** nodemailer's code: ECONNECTION, ETIMEDOUT, ESOCKET, EENVELOPE, EMESSAGE, EAUTH, ETLS, ... */
  code?: string;
  /** SMTP reply code, when the error is a reply. */
  responseCode?: number;
  /** The command nodemailer blames: 'CONN', 'MAIL FROM', 'RCPT TO', 'DATA', 'API', ... */
  command?: string;
  response?: string;
  message: string;
}

/** How far the message got, as observed by the transport (not by nodemailer's error fields). */
export interface DataProgress {
  /** The server answered DATA with 354 and the message bytes started to flow. */
  dataStarted: boolean;
  /** Every byte of the message was handed to the connection: the terminating "." may have reached the server. */
  dataComplete: boolean;
}

export type SmtpErrorClass = 'temporary' | 'permanent' | 'uafklaret';

/** Local refusals by nodemailer before anything was sent (bad address, message too large). */
const LOCAL_REFUSALS = new Set(['EENVELOPE', 'EMESSAGE', 'EREQUIRETLS', 'EMAXRECIPIENTS']);

/**
 * Classifies a failed SMTP transaction.
 *
 * - A 4xx/5xx reply is the server's answer, whatever the phase: it did not
 *   take the message. 5xx is permanent (except 503, bad sequence of
 *   commands, which says the session was out of step); 4xx is temporary.
 * - Without a reply (connection lost, timed out, socket error, garbage):
 *   if the whole message was handed over, the server may have accepted it
 *   before the line dropped (RFC 5321 §6.1, RFC 1047): uafklaret. Otherwise
 *   the terminating "." was never sent, so no server can have accepted the
 *   message: temporary.
 *
 * nodemailer's `command` cannot be used for this: every connection loss is
 * reported with command 'CONN', in every phase (smtp-connection _onClose,
 * _onError, _onTimeout), so it is informational only.
 */
export function classifySmtpError(err: SmtpErrorInfo, progress: DataProgress): SmtpErrorClass {
  const code = err.responseCode;
  if (code !== undefined && code >= 400 && code < 600) {
    if (code >= 500 && code !== 503) return 'permanent';
    return 'temporary';
  }
  if (progress.dataComplete) return 'uafklaret';
  if (!progress.dataStarted && err.code !== undefined && LOCAL_REFUSALS.has(err.code)) return 'permanent';
  return 'temporary';
}

export type SessionErrorClass = 'temporary' | 'fatal';

/**
 * Errors while connecting and logging in (before any message): wrong
 * credentials, TLS failures and 5xx greetings will not get better by waiting,
 * so the run stops. Network trouble and 4xx replies are retried.
 */
export function classifySessionError(err: SmtpErrorInfo): SessionErrorClass {
  if (
    err.code === 'EAUTH' ||
    err.code === 'ENOAUTH' ||
    err.code === 'ETLS' ||
    err.code === 'EOAUTH2' ||
    err.code === 'ECONFIG'
  )
    return 'fatal';
  if (err.responseCode !== undefined && err.responseCode >= 500 && err.responseCode !== 503) return 'fatal';
  return 'temporary';
}
