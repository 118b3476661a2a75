// Style lookups in pdfmake without walking the style stack per word (issue 11).
//
// pdfmake 0.3 measures every inline (a word with its trailing space) by asking
// StyleContextStack.getStyleProperty for some 23 properties (font, bold,
// fontSize, color, link, …). Each ask pushes the inline (and its style names)
// onto the stack, walks the whole stack from the top, allocating a closure per
// walk, and pops again: ~22,000 walks per letter, about a tenth of its CPU time.
//
// What the hook keeps: the value of every ask, exactly. An inline's own value
// wins; otherwise the answer is what the stack below it says, which
// getStyleProperty computes as stack.getProperty(property) with the inline
// pushed on top. Pushing the inline adds nothing when it has no value of its
// own and no style names, so:
// 1. getStyleProperty (a static method pdfmake calls through the class) is
//    replaced by one that answers `item[property]`, else
//    `stack.getProperty(property)`, without the push and pop. An item with
//    style names (`style: 'x'` or an array) still goes through the original.
// 2. TextInlines.buildInlines (break a text into inlines and measure them) is
//    wrapped so that, while it runs, stack.getProperty answers are remembered
//    per property for the stack it was given. Nothing in buildInlines changes
//    that stack: it pushes and pops only inside getStyleProperty, and it writes
//    only to the inlines it makes (fresh objects, never on the stack) and to
//    the `text` of the pieces it reads (a property never looked up as a style).
//    The memo lives for one call and is checked against the stack's identity
//    and depth on every use.
// Checked at install: a pdfmake whose internals have another shape fails loudly.
import { createRequire } from 'node:module';
import { PDFMAKE_JSON } from './pdf-fonts.js';

/** The parts of pdfmake's StyleContextStack used here. */
export interface StyleStack {
  styleOverrides: unknown[];
  getProperty(property: string): unknown;
}

export type GetStyleProperty = (
  item: unknown,
  stack: StyleStack | null | undefined,
  property: string,
  fallback: unknown,
) => unknown;

interface StyleContextStackClass {
  getStyleProperty: GetStyleProperty;
  prototype: StyleStack & { autopush?: unknown; auto?: unknown };
}

interface TextInlinesClass {
  prototype: { buildInlines(textArray: unknown, stack: StyleStack): unknown };
}

/** stack.getProperty answers while one buildInlines call runs on `stack`. */
interface Memo {
  stack: StyleStack;
  depth: number;
  values: Map<string, unknown>;
}

let memo: Memo | undefined;

function isValue(v: unknown): boolean {
  return v !== undefined && v !== null;
}

/** stack.getProperty(property), remembered during a buildInlines call on this stack. */
function stackProperty(stack: StyleStack, property: string): unknown {
  const m = memo;
  if (m === undefined || m.stack !== stack || m.depth !== stack.styleOverrides.length) {
    return stack.getProperty(property);
  }
  if (m.values.has(property)) return m.values.get(property);
  const value = stack.getProperty(property);
  m.values.set(property, value);
  return value;
}

/**
 * pdfmake's getStyleProperty with the same answers (see the top of the file).
 * `original` handles what the fast path does not: items with style names.
 */
export function fastGetStyleProperty(original: GetStyleProperty): GetStyleProperty {
  return (item, stack, property, fallback) => {
    const own = (item as Record<string, unknown>)[property];
    if (own !== undefined && own !== null) return own;
    if (!stack) return fallback;
    // autopush pushes nothing for a string or a section node, and otherwise the
    // item's style names and the item; a pushed item without style names adds
    // nothing to the walk, since it has no value of its own.
    const pushesNames =
      Boolean((item as { style?: unknown }).style) &&
      typeof item !== 'string' &&
      !(item instanceof String) &&
      (item as { section?: unknown }).section === undefined;
    if (pushesNames) return original(item, stack, property, fallback);
    const value = stackProperty(stack, property);
    return isValue(value) ? value : fallback;
  };
}

let installed = false;

/** Installs both hooks (idempotent). Throws if pdfmake's internals changed shape. */
export function installStyleLookups(): void {
  if (installed) return;
  const requirePdfmake = createRequire(PDFMAKE_JSON);
  const stackClass = (requirePdfmake('./js/StyleContextStack.js') as { default?: StyleContextStackClass }).default;
  const inlinesClass = (requirePdfmake('./js/TextInlines.js') as { default?: TextInlinesClass }).default;
  const original = stackClass?.getStyleProperty;
  const buildInlines = inlinesClass?.prototype.buildInlines;
  if (
    !stackClass ||
    typeof original !== 'function' ||
    typeof stackClass.prototype.getProperty !== 'function' ||
    !/styleContextStack\.auto\(item,/.test(original.toString()) ||
    !/this\.push\(item\)/.test(String(stackClass.prototype.autopush)) ||
    !inlinesClass ||
    typeof buildInlines !== 'function'
  ) {
    throw new Error('pdfmake.StyleContextStack har ændret form (uventet pdfmake-version)');
  }
  stackClass.getStyleProperty = fastGetStyleProperty(original.bind(stackClass));
  inlinesClass.prototype.buildInlines = function (this: unknown, textArray: unknown, stack: StyleStack) {
    const outer = memo;
    memo = stack ? { stack, depth: stack.styleOverrides.length, values: new Map() } : undefined;
    try {
      return buildInlines.call(this, textArray, stack);
    } finally {
      memo = outer;
    }
  };
  installed = true;
}
