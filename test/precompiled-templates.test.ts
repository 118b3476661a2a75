// The templates the build precompiled (dist/precompiled-templates/, written by
// scripts/precompile-templates.mjs during `npm run build`, which `npm test`
// runs first) against Handlebars compiling the same templates at run time:
// every shipped template has a spec, renders exactly the same text from it,
// and a template that is not the shipped one is compiled at run time as before.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import Handlebars from 'handlebars';
import { describe, expect, it, vi } from 'vitest';
import { readBarometerFolder } from '../src/adapters/letters/read-barometer.js';
import {
  PRECOMPILED_TEMPLATES_DIR,
  readPrecompiledTemplates,
  readTemplateMaking,
} from '../src/adapters/precompiled-templates.js';
import { readPreviewTemplateSources } from '../src/adapters/preview/read-preview-templates.js';
import {
  compileTemplate,
  handlebarsFor,
  HandlebarsRuntime,
  templateKey,
  type PrecompiledTemplates,
  type TemplateMaking,
} from '../src/core/handlebars-templates.js';
import {
  compileTemplates,
  composeLetters,
  letterTemplateOptions,
  letterTemplates,
  type TemplateSources,
} from '../src/core/letters/compose-letter.js';
import { validateBarometerData } from '../src/core/letters/validate.js';
import {
  compilePreviewTemplates,
  PREVIEW_TEMPLATE_OPTIONS,
  previewTemplates,
  renderEmailPageHtml,
  renderListingHtml,
  renderPreviewHtml,
  type PreviewTemplateSources,
} from '../src/core/preview/render-preview.js';
import type { SendStatusMap } from '../src/core/send/send-status.js';
import type { ValidatedData } from '../src/core/types.js';
import { REPO } from './helpers/cli.js';
import { exampleManifest, exampleSendStatus } from './helpers/manifest.js';

const EXAMPLE = join(REPO, 'data', '2023-ledsagelse');

const input = await readBarometerFolder(EXAMPLE);
const letterSources = input.templates!;
const letterSpecs = await readPrecompiledTemplates('handicapsagsbarometer');
const previewSources = await readPreviewTemplateSources();
const previewSpecs = await readPrecompiledTemplates('preview');

/** Every shipped template as the tool compiles it: [name, source, options, specs of its folder]. */
const shipped: [string, string, CompileOptions, PrecompiledTemplates][] = [
  ...(Object.entries(letterSources) as [keyof TemplateSources, { file: string; source: string }][]).map(
    ([role, { file, source }]): [string, string, CompileOptions, PrecompiledTemplates] => [
      file,
      source,
      letterTemplateOptions(role),
      letterSpecs,
    ],
  ),
  ...(['preview', 'email', 'listing'] as const).map((name): [string, string, CompileOptions, PrecompiledTemplates] => [
    `templates/preview/${name}.hbs`,
    previewSources[name],
    PREVIEW_TEMPLATE_OPTIONS,
    previewSpecs,
  ]),
  ...Object.entries(previewSources.partials).map(
    ([name, source]): [string, string, CompileOptions, PrecompiledTemplates] => [
      `templates/preview/partials/${name}.hbs`,
      source,
      PREVIEW_TEMPLATE_OPTIONS,
      previewSpecs,
    ],
  ),
];

function exampleData(): ValidatedData {
  const r = validateBarometerData({
    barometer: input.barometer!,
    ruleSet: input.ruleSet!,
    kommuner: input.kommuner!,
    sager: input.sager!,
  });
  if (!r.ok) throw new Error(JSON.stringify(r.problems));
  return r.data;
}

/** The example data with values that test escaping and odd text: markup, quotes, braces, non-Latin letters, a long token. */
function oddData(): ValidatedData {
  const data = exampleData();
  const odd = `<b onclick="x">&amp; 'q' {{titel}} \\{{x}}</b> Ελληνικά 漢字 עברית ${'x'.repeat(300)}\nny linje`;
  data.cases = data.cases.map((c, i) => (i % 3 === 0 ? { ...c, bemaerkning: odd } : c));
  data.kommuner = data.kommuner.map((k, i) => (i % 4 === 0 ? { ...k, navn: `${k.navn} <&> "Ø" 🙂` } : k));
  return data;
}

/** Compiled at run time, or from the specs alone (no compiler given: it would throw if one were needed). */
function compiledLetters(precompiled?: PrecompiledTemplates) {
  const t = compileTemplates(letterSources, precompiled ? { precompiled } : { compiler: Handlebars });
  if (!t.ok) throw new Error(JSON.stringify(t.problems));
  return t.templates;
}

function compiledPreview(sources: PreviewTemplateSources, making: TemplateMaking) {
  return compilePreviewTemplates(sources, making);
}

describe('the build precompiled every shipped template', () => {
  it.each(shipped)(
    '%s has a spec in dist/precompiled-templates/, used instead of compiling',
    (_name, source, options, specs) => {
      expect(Object.hasOwn(specs, templateKey(source, options))).toBe(true);
      const hb = Handlebars.create();
      const compile = vi.spyOn(hb, 'compile');
      expect(typeof compileTemplate(hb, source, options, specs)).toBe('function');
      expect(compile).not.toHaveBeenCalled();
    },
  );

  it('and nothing else: each folder of templates/ has one file whose specs are exactly its templates', () => {
    expect(readdirSync(PRECOMPILED_TEMPLATES_DIR).sort()).toEqual(
      readdirSync(join(REPO, 'templates'), { withFileTypes: true })
        .filter((e) => e.isDirectory())
        .map((e) => `${e.name}.cjs`)
        .sort(),
    );
    const keys = (specs: PrecompiledTemplates) => Object.keys(specs).sort();
    expect(keys(letterSpecs)).toEqual(
      keys(
        Object.fromEntries(
          shipped.filter(([, , , s]) => s === letterSpecs).map(([, src, o]) => [templateKey(src, o), 1]),
        ),
      ),
    );
    expect(keys(previewSpecs)).toEqual(
      keys(
        Object.fromEntries(
          shipped.filter(([, , , s]) => s === previewSpecs).map(([, src, o]) => [templateKey(src, o), 1]),
        ),
      ),
    );
  });

  it('readBarometerFolder hands the letter family’s specs to compileTemplates, and no compiler', () => {
    expect(input.templateMaking).toEqual({ precompiled: letterSpecs });
    expect(input.templateMaking?.precompiled).toBe(letterSpecs);
  });

  it('Handlebars’ compiler is loaded only when a template has no spec', async () => {
    const shippedLetters = letterTemplates(letterSources);
    expect(await readTemplateMaking('handicapsagsbarometer', shippedLetters)).toEqual({ precompiled: letterSpecs });
    expect(await readTemplateMaking('preview', previewTemplates(previewSources))).toEqual({
      precompiled: previewSpecs,
    });
    const edited = [...shippedLetters, { source: 'redigeret', options: { noEscape: true } }];
    const making = await readTemplateMaking('handicapsagsbarometer', edited);
    expect(making.compiler?.compile).toBe(Handlebars.compile);
    // Without one, an environment from the runtime alone: it can run specs, not compile.
    expect(handlebarsFor(shippedLetters, { precompiled: letterSpecs }).compile).toBeUndefined();
    expect(typeof handlebarsFor(edited, making).compile).toBe('function');
    expect(() => handlebarsFor(edited, { precompiled: letterSpecs })).toThrow(/no compiler/);
  });
});

describe('a precompiled template renders exactly what run-time compiling renders', () => {
  const runtimeLetters = compiledLetters();
  const precompiledLetters = compiledLetters(letterSpecs);

  it.each([
    ['the example barometer', exampleData],
    ['odd values (markup, quotes, braces, non-Latin letters, a long token)', oddData],
  ])('every letter and email of %s', (_name, data) => {
    const runtime = composeLetters(data(), runtimeLetters);
    const precompiled = composeLetters(data(), precompiledLetters);
    expect(runtime.length).toBeGreaterThan(0);
    expect(JSON.stringify(precompiled)).toBe(JSON.stringify(runtime));
  });

  it.each(Object.keys(letterSources) as (keyof TemplateSources)[])(
    '%s, its raw text, on every context the letters above give it',
    (role) => {
      const contexts: unknown[] = [];
      const recording = {
        ...runtimeLetters,
        [role]: (context: unknown) => (contexts.push(context), runtimeLetters[role](context)),
      };
      composeLetters(exampleData(), recording);
      composeLetters(oddData(), recording);
      expect(contexts.length).toBeGreaterThanOrEqual(2 * 98);
      for (const context of contexts) expect(precompiledLetters[role](context)).toBe(runtimeLetters[role](context));
    },
  );

  const runtimePreview = compiledPreview(previewSources, { compiler: Handlebars });
  const precompiledPreview = compiledPreview(previewSources, { precompiled: previewSpecs });
  const manifest = exampleManifest();
  // With a resend, so the send-details partial shows every row it has.
  const status: SendStatusMap = exampleSendStatus();
  status.set('101', { ...status.get('101')!, resends: 1 });

  it.each([
    ['without send status', undefined, []],
    ['with send status', status, []],
    ['with an empty status and an inconsistent folder', new Map(), ['173-x.pdf: <ændret> & "flyttet"']],
  ] as [string, SendStatusMap | undefined, string[]][])('the preview page %s', (_name, sendStatus, problems) => {
    const html = renderPreviewHtml(precompiledPreview, manifest, sendStatus, problems);
    expect(html).toBe(renderPreviewHtml(runtimePreview, manifest, sendStatus, problems));
    expect(html).toContain('<tr data-kode="173"');
  });

  it('every email page and the listing', () => {
    for (const letter of manifest.letters)
      expect(renderEmailPageHtml(precompiledPreview, manifest, letter)).toBe(
        renderEmailPageHtml(runtimePreview, manifest, letter),
      );
    const barometre = ['2023-ledsagelse', '2024-<b>&"'];
    expect(renderListingHtml(precompiledPreview, barometre)).toBe(renderListingHtml(runtimePreview, barometre));
  });
});

describe('a template that is not the shipped one is compiled at run time', () => {
  it('an edited letter template (its hash has no spec) renders the edit', () => {
    const edited = { ...letterSources, emailEmne: { ...letterSources.emailEmne, source: 'Redigeret: {{titel}}' } };
    const t = compileTemplates(edited, { precompiled: letterSpecs, compiler: Handlebars });
    if (!t.ok) throw new Error(JSON.stringify(t.problems));
    expect(t.templates.emailEmne({ titel: 'Handicapsagsbarometret 2023' })).toBe(
      'Redigeret: Handicapsagsbarometret 2023',
    );
  });

  it('a spec is looked up by content and options, not by name: a stale or foreign spec is never used', () => {
    const source = letterSources.emailEmne.source;
    const foreign = Handlebars.precompile('FREMMED SPEC');
    const spec = new Function(`return ${foreign}`)() as TemplateSpecification;
    // Under the template's own key the spec is used (the lookup is real) …
    const hit = compileTemplates(letterSources, {
      precompiled: { [templateKey(source, letterTemplateOptions('emailEmne'))]: spec },
      compiler: Handlebars,
    });
    expect(hit.ok && hit.templates.emailEmne({})).toBe('FREMMED SPEC');
    // … under another option set's or an older source's key it is not.
    const miss = compileTemplates(letterSources, {
      precompiled: {
        [templateKey(source, { noEscape: false })]: spec,
        [templateKey(`${source} `, letterTemplateOptions('emailEmne'))]: spec,
      },
      compiler: Handlebars,
    });
    expect(miss.ok && miss.templates.emailEmne({ titel: 'T', kommune: { navn: 'K' }, antalSager: 1 })).toBe(
      'T: Ankestyrelsens vurdering af sagen fra K\n',
    );
  });

  it('an edited letter template with a syntax error gives the same Danish problem as without specs', () => {
    const broken = { ...letterSources, brev: { ...letterSources.brev, source: '{{#if x}} uafsluttet' } };
    const withSpecs = compileTemplates(broken, { precompiled: letterSpecs, compiler: Handlebars });
    expect(withSpecs).toEqual(compileTemplates(broken, { compiler: Handlebars }));
    expect(withSpecs.ok).toBe(false);
    if (!withSpecs.ok)
      expect(withSpecs.problems).toEqual([
        expect.objectContaining({
          code: 'template-syntax',
          file: 'templates/handicapsagsbarometer/brev.hbs',
          message: expect.stringMatching(/^Skabelonen kan ikke læses: /),
        }),
      ]);
  });

  it('an edited preview partial is compiled at run time and used; a broken one is named', () => {
    const partials = { ...previewSources.partials, head: `${previewSources.partials['head']}<!-- redigeret -->` };
    const edited = compiledPreview(
      { ...previewSources, partials },
      { precompiled: previewSpecs, compiler: Handlebars },
    );
    const manifest = exampleManifest();
    expect(renderEmailPageHtml(edited, manifest, manifest.letters[0]!)).toContain('<!-- redigeret -->');
    expect(() =>
      compiledPreview(
        { ...previewSources, partials: { ...partials, head: '{{#each x}}' } },
        { precompiled: previewSpecs, compiler: Handlebars },
      ),
    ).toThrow(/^Skabelonen templates\/preview\/partials\/head\.hbs kan ikke læses: /);
  });

  it('the key covers the Handlebars version, the options (in any order) and the source', () => {
    const key = templateKey('x', { noEscape: true, strict: false });
    expect(key).toMatch(/^[0-9a-f]{64}$/);
    expect(templateKey('x', { strict: false, noEscape: true })).toBe(key);
    expect(templateKey('x', { noEscape: true })).not.toBe(key);
    expect(templateKey('x ', { noEscape: true, strict: false })).not.toBe(key);
    const version = vi.spyOn(HandlebarsRuntime, 'VERSION', 'get').mockReturnValue('9.9.9');
    try {
      expect(templateKey('x', { noEscape: true, strict: false })).not.toBe(key);
    } finally {
      version.mockRestore();
    }
  });

  it("Handlebars still checks a spec's compiler revision", () => {
    const old = { compiler: [6, '>= 2.0.0-beta.1'], main: () => '' } as unknown as TemplateSpecification;
    expect(() => compileTemplate(Handlebars.create(), 'x', {}, { [templateKey('x', {})]: old })).toThrow(
      /precompiled with an older version of Handlebars/,
    );
  });

  it('no specs for a folder that is not the tool’s or a name that leads elsewhere', async () => {
    expect(await readPrecompiledTemplates('ingen-saadan-mappe')).toEqual({});
    expect(await readPrecompiledTemplates('../bundle/cli')).toEqual({});
  });
});
