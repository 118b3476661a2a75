// One Handlebars template made ready to run: taken from the specs the build
// precompiled (scripts/precompile-templates.mjs writes them to
// dist/precompiled-templates/) when one matches, compiled here otherwise.
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
//
// Only Handlebars' runtime is imported here. Its compiler (the `handlebars`
// package proper, ~3.5 ms of module loading per process) is needed only when
// some template has no spec; the adapters then import it and pass it in. The
// package's environment is the runtime's with compile/precompile/parse added,
// so a template runs the same in either.
import type FullHandlebars from 'handlebars';
import runtime from 'handlebars/runtime.js';
import { sha256 } from './sha256.js';

/** Handlebars with its compiler: the `handlebars` package. */
export type HandlebarsCompiler = typeof FullHandlebars;

/** A Handlebars environment; made by the runtime alone it has no compile (see handlebarsFor). */
export type HandlebarsEnvironment = ReturnType<HandlebarsCompiler['create']>;

/** Handlebars' runtime: runs templates from specs, compiles none. */
export const HandlebarsRuntime = runtime as unknown as Pick<
  HandlebarsCompiler,
  'create' | 'VERSION' | 'escapeExpression'
>;

/** Precompiled template specs by templateKey (see dist/precompiled-templates/). */
export type PrecompiledTemplates = Readonly<Record<string, TemplateSpecification>>;

/** What making templates may use: the build's specs, and the compiler for a template without one. */
export interface TemplateMaking {
  precompiled?: PrecompiledTemplates;
  compiler?: HandlebarsCompiler;
}

export type Template = (context: unknown) => string;

/** The key of a template's precompiled spec: Handlebars version, options (key order irrelevant) and source. */
export function templateKey(source: string, options: CompileOptions): string {
  const sortedOptions = Object.fromEntries(Object.entries(options).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  return sha256(JSON.stringify([HandlebarsRuntime.VERSION, sortedOptions, source]));
}

/** Whether every one of `templates` has a spec in `precompiled`, so that no compiler is needed. */
export function allPrecompiled(
  templates: readonly { source: string; options: CompileOptions }[],
  precompiled: PrecompiledTemplates = {},
): boolean {
  return templates.every(({ source, options }) => Object.hasOwn(precompiled, templateKey(source, options)));
}

/**
 * A new Handlebars environment for `templates`: the runtime's when every one
 * has a spec, the compiler's otherwise (throws when that is not given: the
 * caller must load it first, see src/adapters/precompiled-templates.ts).
 */
export function handlebarsFor(
  templates: readonly { source: string; options: CompileOptions }[],
  making: TemplateMaking,
): HandlebarsEnvironment {
  if (allPrecompiled(templates, making.precompiled)) return HandlebarsRuntime.create();
  if (!making.compiler) throw new Error('Internal error: a template has no precompiled spec and no compiler was given');
  return making.compiler.create();
}

/**
 * The template for `source` in the Handlebars environment `hb`: the
 * precompiled spec when `precompiled` has one for exactly this source and
 * these options, otherwise compiled now. Throws Handlebars' error for a
 * template that does not compile.
 */
export function compileTemplate(
  hb: HandlebarsEnvironment,
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
