// A test send (send --test ADRESSE): the kommune's letter, composed by the
// same templates, to one other address only, marked as a test in the
// subject and in the first line of the body so nobody mistakes it for the
// real letter. Pure.
import { HandlebarsRuntime } from '../handlebars-templates.js';
import { z } from 'zod';
import type { LetterModel } from '../types.js';

const escapeHtml = HandlebarsRuntime.escapeExpression;

export const TEST_SUBJECT_PREFIX = '[TEST]';

/** The first line of a test email's body (Danish, as everything the user sees). */
export function testNotice(model: LetterModel, address: string): string {
  return (
    `TEST: Denne e-mail er en test af brevet til ${model.kommune.navn}. ` +
    `Den er kun sendt til ${address} og er ikke sendt til kommunen (${model.kommune.email}).`
  );
}

/** The letter model of the test email: To the test address, [TEST] subject, the notice first. */
export function testLetterModel(
  model: LetterModel,
  address: string,
  stamp: { isoDate: string; messageId: string },
): LetterModel {
  const notice = testNotice(model, address);
  const html = model.email.html.replace(
    /(<body[^>]*>)/i,
    `$1\n<p style="border: 2px solid #b00; padding: 6px; color: #b00;"><strong>${escapeHtml(notice)}</strong></p>`,
  );
  return {
    ...model,
    email: {
      ...model.email,
      to: { name: 'Test', address },
      subject: `${TEST_SUBJECT_PREFIX} ${model.email.subject}`,
      text: `${notice}\n\n${model.email.text}`,
      html: html === model.email.html ? `<p><strong>${escapeHtml(notice)}</strong></p>\n${html}` : html,
      messageId: stamp.messageId,
      date: stamp.isoDate,
    },
  };
}

/** A plain address for --test (the same rule barometer.json's addresses follow). */
export function isEmailAddress(text: string): boolean {
  return z.email().safeParse(text).success;
}
