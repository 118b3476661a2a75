// One Handlebars template made ready to run: taken from the specs the build
// precompiled (scripts/precompile-templates.mjs writes them to
// dist/precompiled-templates.js) when one matches, compiled here otherwise.
//
// Why: compiling the preview and letter templates took ~50 ms of every
// `render --kommune` (and ~15 ms of `check`), the same work each run for
// templates that ship with the tool (issue 11). A precompiled spec is the code
// Handlebars' own compiler generates for the same source and options (the
// same Handlebars version compiles it, and hb.template still checks the
// spec's compiler revision), so the template renders the same text.
//
// A spec is found by a hash of the Handlebars version, the compile options and
// the source, never by a file name: a template staff edited (or a new
// template folder) simply has no spec and is compiled at run time, with the
// same error for a syntax error as before. Specs exist only for templates
// that compiled at build time.
import Handlebars from 'handlebars';
import { sha256 } from './sha256.js';

/** Precompiled template specs by templateKey (see dist/precompiled-templates.js). */
export type PrecompiledTemplates = Readonly<Record<string, TemplateSpecification>>;

export type Template = (context: unknown) => string;

/** The key of a template's precompiled spec: Handlebars version, options (key order irrelevant) and source. */
export function templateKey(source: string, options: CompileOptions): string {
  const sortedOptions = Object.fromEntries(Object.entries(options).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  return sha256(JSON.stringify([Handlebars.VERSION, sortedOptions, source]));
}

/**
 * The template for `source` in the Handlebars environment `hb`: the
 * precompiled spec when `precompiled` has one for exactly this source and
 * these options, otherwise compiled now. Throws Handlebars' error for a
 * template that does not compile.
 */
export function compileTemplate(
  hb: typeof Handlebars,
  source: string,
  options: CompileOptions,
  precompiled: PrecompiledTemplates = {},
): Template {
  const key = templateKey(source, options);
  if (Object.hasOwn(precompiled, key)) return hb.template(precompiled[key] as TemplateSpecification);
  const template = hb.compile(source, options);
  // Handlebars compiles on first use; compile now, once, so that a syntax
  // error surfaces here, where the caller can name the template (a
  // precompile first would compile twice).
  const forced = template as unknown as { _setup?: (setupOptions: object) => void };
  if (typeof forced._setup === 'function') forced._setup({});
  else hb.precompile(source, { ...options }); // a copy: precompile adds its defaults to it
  return template;
}
