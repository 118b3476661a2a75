// The email composer: one RFC 5322 message per kommune, built by nodemailer's
// MailComposer from the letter model and the rendered PDF. Deterministic:
// fixed Date, fixed Message-ID and MIME boundaries derived from the letter,
// so the .eml written at render time is exactly what `send` transmits.
import { createHash } from 'node:crypto';
import MailComposer from 'nodemailer/lib/mail-composer';
import type { LetterModel } from '../../core/types.js';

export async function composeEml(model: LetterModel, pdf: Buffer): Promise<Buffer> {
  const e = model.email;
  const baseBoundary = createHash('sha256').update(e.messageId).update(pdf).digest('hex').slice(0, 16);
  const composer = new MailComposer({
    from: { name: e.from.name, address: e.from.address },
    replyTo: e.replyTo,
    to: { name: e.to.name, address: e.to.address },
    subject: e.subject,
    text: e.text,
    html: e.html,
    messageId: `<${e.messageId}>`,
    date: new Date(e.date),
    attachments: [{ filename: e.attachmentName, content: pdf, contentType: 'application/pdf' }],
    // SMTP requires CRLF line ends (RFC 5321 §2.3.8); writing them into the
    // .eml means the file is byte for byte what goes on the wire.
    newline: 'windows',
    // Not in @types/nodemailer, but honoured by MailComposer (mime-node baseBoundary).
    ...({ baseBoundary } as object),
    headers: { 'X-Kommunebrev-Kommunekode': model.kommune.kode, 'Content-Language': 'da' },
  });
  return composer.compile().build();
}
