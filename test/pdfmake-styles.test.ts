// The style-lookup hook (src/adapters/letters/pdfmake-styles.ts) against
// pdfmake's own code: an unpatched copy of pdfmake's StyleContextStack and
// TextInlines is loaded beside the patched one, and both are asked the same
// questions on a table of stacks, items and properties.
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { PDFMAKE_JSON } from '../src/adapters/letters/pdf-fonts.js';
import {
  fastGetStyleProperty,
  installStyleLookups,
  type GetStyleProperty,
  type StyleStack,
} from '../src/adapters/letters/pdfmake-styles.js';

interface StackClass {
  new (dictionary: unknown, defaultStyle?: unknown): StyleStack & { push(x: unknown): void };
  getStyleProperty: GetStyleProperty;
}
interface InlinesClass {
  new (doc: unknown): { buildInlines(text: unknown, stack: StyleStack): { items: Record<string, unknown>[] } };
}
interface Pdfmake {
  Stack: StackClass;
  Inlines: InlinesClass;
}

const requirePdfmake = createRequire(PDFMAKE_JSON);

function load(): Pdfmake {
  return {
    Stack: (requirePdfmake('./js/StyleContextStack.js') as { default: StackClass }).default,
    Inlines: (requirePdfmake('./js/TextInlines.js') as { default: InlinesClass }).default,
  };
}

/** A second, unpatched copy of pdfmake's modules (the process keeps using the patched ones). */
function loadUnpatched(): Pdfmake {
  const dir = dirname(requirePdfmake.resolve('./js/StyleContextStack.js'));
  const cache = requirePdfmake.cache;
  const ours = Object.keys(cache).filter((k) => k.startsWith(dir));
  const saved = new Map(ours.map((k) => [k, cache[k]]));
  for (const k of ours) delete cache[k];
  try {
    return load();
  } finally {
    for (const k of Object.keys(cache)) if (k.startsWith(dir)) delete cache[k];
    for (const [k, v] of saved) cache[k] = v;
  }
}

const DICTIONARY = {
  a: { color: 'a-red', bold: true },
  b: { extends: 'a', fontSize: 9 },
  c: { extends: ['b', 'd'], color: null },
  d: { italics: true, fontSize: 0 },
  loop: { extends: 'loop' },
};
const DEFAULTS = [{ font: 'Roboto', fontSize: 10, lineHeight: 1.2, color: '#222' }, {}, undefined, null];
const OVERRIDES: unknown[][] = [
  [],
  [{ color: 'blue' }],
  ['a', { fontSize: 0 }],
  [{ bold: false }, 'c', { color: null, italics: undefined }],
  ['loop', 'nope', { margin: [1, 2, 3, 4] }, { stack: [], fontSize: 8.5, color: 'grey', lineHeight: 1 }],
  [{ color: 'under' }, new String('d'), { fontSize: null, font: 'Top' }],
];
const ITEMS: unknown[] = [
  {},
  { text: 'ord ' },
  { text: 'ord', lineEnd: true },
  { color: 'green' },
  { color: null, bold: undefined },
  { bold: false, italics: 0, fontSize: 0 },
  { style: 'a' },
  { style: ['d', 'a'] },
  { style: [{ color: 'inline' }, 'b'] },
  { style: '' },
  { style: 'missing', color: 'own' },
  { section: {}, style: 'a' },
  { section: undefined, style: 'b' },
  'plain text',
  new String('boxed'),
  7,
];
const PROPERTIES = ['color', 'bold', 'italics', 'fontSize', 'font', 'lineHeight', 'margin', 'noWrap', 'absent'];
const FALLBACKS = [undefined, null, false, 'fb', 12];

describe('fastGetStyleProperty', () => {
  const pdfmake = loadUnpatched();
  const original = pdfmake.Stack.getStyleProperty.bind(pdfmake.Stack);
  const fast = fastGetStyleProperty(original);

  it('answers exactly as pdfmake for every stack, item, property and fallback in the table', () => {
    let compared = 0;
    for (const defaults of DEFAULTS) {
      for (const overrides of OVERRIDES) {
        const stack = new pdfmake.Stack(DICTIONARY, defaults);
        for (const o of overrides) stack.push(o);
        for (const item of ITEMS) {
          for (const property of PROPERTIES) {
            for (const fallback of FALLBACKS) {
              const expected = original(item, stack, property, fallback);
              expect(fast(item, stack, property, fallback), `${JSON.stringify({ item, overrides, property })}`).toBe(
                expected,
              );
              expect(stack.styleOverrides).toEqual(overrides);
              compared++;
            }
          }
        }
      }
    }
    expect(compared).toBe(DEFAULTS.length * OVERRIDES.length * ITEMS.length * PROPERTIES.length * FALLBACKS.length);
  });

  it('answers the fallback without a stack, and the item’s own value first', () => {
    expect(fast({}, null, 'color', 'black')).toBe('black');
    expect(fast({ color: 'red' }, null, 'color', 'black')).toBe('red');
    expect(fast({ fontSize: 0 }, null, 'fontSize', 12)).toBe(0);
  });
});

/** A pdfDocument stand-in: one font whose widths are a function of the text, so measuring is deterministic. */
function fakeDocument(): { provideFont(family: string, bold: boolean, italics: boolean): object; asked: string[] } {
  const asked: string[] = [];
  return {
    asked,
    provideFont(family, bold, italics) {
      asked.push(`${family}/${bold}/${italics}`);
      return {
        name: `${family}-${bold ? 'B' : ''}${italics ? 'I' : ''}`,
        ascender: 900,
        descender: -200,
        widthOfString: (text: string, size: number) => text.length * size * (bold ? 0.55 : 0.5),
        lineHeight: (size: number) => size * 1.17,
      };
    },
  };
}

const TEXTS: unknown[] = [
  'Et helt almindeligt afsnit med flere ord, og et langt ord: retssikkerhedsinitiativerne.',
  '  Indrykket tekst med mellemrum  ',
  'Linje et\nlinje to\n\nlinje fire',
  [{ text: 'Fed ', bold: true }, { text: 'og kursiv ', italics: true }, 'og almindelig.'],
  [
    { text: 'Et link', link: 'https://ast.dk', noWrap: true },
    { text: ' (§ 97)', color: '#666' },
  ],
  [{ text: 'T0001T0002T0003T0004', wordBreak: 'break-all' }, ' slut'],
  [{ text: 'Navngivet stil ', style: 'b' }, { text: 'og to ', style: ['d', 'a'], fontSize: 7 }, 'ingen'],
  [
    { text: 'Sup', sup: true },
    { text: 'sub', sub: true },
    { text: ' indryk', leadingIndent: 6 },
  ],
  [{ text: '   bevar   ', preserveLeadingSpaces: true, preserveTrailingSpaces: true }, 'x'],
  [{ text: ['indlejret ', { text: 'dybt', bold: true }] }, ' efter'],
  { text: 'Et objekt alene', color: 'red', characterSpacing: 0.2 },
  // Other space characters and surrogate pairs at a word's ends (leading and trailing cuts).
  '\u00a0hårdt\u00a0mellemrum\u00a0 \u3000ideografisk\u3000 tab\tslut\t \u2003em\u2003',
  '😀 emoji 😀 \ufeffbom\ufeff x\u202f',
];

function stacksFor(Stack: StackClass): StyleStack[] {
  return OVERRIDES.map((overrides) => {
    const stack = new Stack(DICTIONARY, DEFAULTS[0]);
    for (const o of overrides) stack.push(o);
    stack.push({ text: 'the node', alignment: 'right', leadingIndent: 3 });
    return stack;
  });
}

/** What buildInlines produced, with the font object replaced by its name. */
function plain(result: { items: Record<string, unknown>[] }): unknown {
  return {
    ...result,
    items: result.items.map((i) => ({ ...i, font: (i.font as { name: string }).name })),
  };
}

describe('TextInlines.buildInlines with the hook installed', () => {
  let patched: Pdfmake;
  let unpatched: Pdfmake;
  beforeAll(() => {
    installStyleLookups();
    patched = load();
    unpatched = loadUnpatched();
  });

  it('builds the same inlines, widths and font requests as pdfmake for every text and stack', () => {
    let compared = 0;
    for (const text of TEXTS) {
      const ours = stacksFor(patched.Stack);
      const theirs = stacksFor(unpatched.Stack);
      for (let s = 0; s < ours.length; s++) {
        const docA = fakeDocument();
        const docB = fakeDocument();
        const a = new patched.Inlines(docA).buildInlines(structuredClone(text), ours[s] as StyleStack);
        const b = new unpatched.Inlines(docB).buildInlines(structuredClone(text), theirs[s] as StyleStack);
        expect(plain(a)).toEqual(plain(b));
        expect(a.items.map((i) => Object.keys(i))).toEqual(b.items.map((i) => Object.keys(i)));
        expect(docA.asked).toEqual(docB.asked);
        expect(a.items.length).toBeGreaterThan(0);
        compared++;
      }
    }
    expect(compared).toBe(TEXTS.length * OVERRIDES.length);
  });

  it('measures the same without a style stack (every property from the inline or the fallback)', () => {
    for (const text of TEXTS) {
      const a = new patched.Inlines(fakeDocument()).buildInlines(structuredClone(text), null as unknown as StyleStack);
      const b = new unpatched.Inlines(fakeDocument()).buildInlines(
        structuredClone(text),
        null as unknown as StyleStack,
      );
      expect(plain(a)).toEqual(plain(b));
    }
  });

  it('leaves the stack as it found it', () => {
    const [stack] = stacksFor(patched.Stack);
    const before = [...(stack as StyleStack).styleOverrides];
    new patched.Inlines(fakeDocument()).buildInlines(TEXTS[3], stack as StyleStack);
    expect((stack as StyleStack).styleOverrides).toEqual(before);
  });

  it('is installed: pdfmake’s getStyleProperty is no longer the original', () => {
    expect(patched.Stack.getStyleProperty).not.toBe(unpatched.Stack.getStyleProperty);
    expect(String(patched.Stack.getStyleProperty)).not.toContain('styleContextStack.auto');
    const measure = (c: InlinesClass) => (c.prototype as unknown as { measure: unknown }).measure;
    expect(measure(patched.Inlines)).not.toBe(measure(unpatched.Inlines));
  });
});
