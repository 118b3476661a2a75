// Reads the preview page's templates, style sheet and script from
// templates/preview/ and compiles them once per process.
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { compilePreviewTemplates, type PreviewTemplates } from '../../core/preview/render-preview.js';
import { TEMPLATES_DIR } from '../letters/read-barometer.js';

export const PREVIEW_TEMPLATES_DIR = join(TEMPLATES_DIR, 'preview');

let loaded: Promise<PreviewTemplates> | undefined;

async function read(): Promise<PreviewTemplates> {
  const file = (name: string): Promise<string> => readFile(join(PREVIEW_TEMPLATES_DIR, name), 'utf8');
  const partials: Record<string, string> = {};
  for (const name of (await readdir(join(PREVIEW_TEMPLATES_DIR, 'partials'))).sort()) {
    // A partial is a fragment: its file's final newline is not part of it.
    if (name.endsWith('.hbs'))
      partials[name.slice(0, -'.hbs'.length)] = (await file(join('partials', name))).replace(/\n$/, '');
  }
  return compilePreviewTemplates({
    preview: await file('preview.hbs'),
    email: await file('email.hbs'),
    listing: await file('listing.hbs'),
    partials,
    style: await file('preview.css'),
    script: await file('preview.js'),
  });
}

/** The compiled preview templates (read on first use). */
export function readPreviewTemplates(): Promise<PreviewTemplates> {
  loaded ??= read();
  return loaded;
}
