// Reads the preview page's templates, style sheet and script from
// templates/preview/ and compiles them once per process (the build's
// precompiled specs where they match).
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  compilePreviewTemplates,
  previewTemplates,
  type PreviewTemplates,
  type PreviewTemplateSources,
} from '../../core/preview/render-preview.js';
import { TEMPLATES_DIR } from '../letters/read-barometer.js';
import { readTemplateMaking } from '../precompiled-templates.js';

export const PREVIEW_TEMPLATES_DIR = join(TEMPLATES_DIR, 'preview');

/** The preview templates' sources as compilePreviewTemplates takes them (the build precompiles these). */
export async function readPreviewTemplateSources(): Promise<PreviewTemplateSources> {
  const file = (name: string): Promise<string> => readFile(join(PREVIEW_TEMPLATES_DIR, name), 'utf8');
  const partials: Record<string, string> = {};
  for (const name of (await readdir(join(PREVIEW_TEMPLATES_DIR, 'partials'))).sort()) {
    // A partial is a fragment: its file's final newline is not part of it.
    if (name.endsWith('.hbs'))
      partials[name.slice(0, -'.hbs'.length)] = (await file(join('partials', name))).replace(/\n$/, '');
  }
  return {
    preview: await file('preview.hbs'),
    email: await file('email.hbs'),
    listing: await file('listing.hbs'),
    partials,
    style: await file('preview.css'),
    script: await file('preview.js'),
  };
}

let loaded: Promise<PreviewTemplates> | undefined;

async function read(): Promise<PreviewTemplates> {
  const sources = await readPreviewTemplateSources();
  return compilePreviewTemplates(sources, await readTemplateMaking('preview', previewTemplates(sources)));
}

/** The compiled preview templates (read on first use). */
export function readPreviewTemplates(): Promise<PreviewTemplates> {
  loaded ??= read();
  return loaded;
}
