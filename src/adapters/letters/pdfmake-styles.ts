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
// 3. TextInlines.measure (pdfmake's loop over the inlines) is replaced by the
//    same loop, statement for statement (same provideFont and width calls in
//    the same order, same assignments), that reads the 23 properties as named
//    properties of the inline, and of one record per text of what the stack
//    says, instead of 23 calls that each look a property up by its name. An
//    inline with style names gets a record of its own from getStyleProperty.
// Checked at install: a pdfmake whose internals have another shape fails loudly.
import { pdfmakeModule } from './pdfmake-modules.js';

/** The parts of pdfmake's StyleContextStack used here. */
export interface StyleStack {
  styleOverrides: unknown[];
  defaultStyle?: unknown;
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

interface MeasureFont {
  lineHeight(size: number): number;
}
/** A pdfmake inline while it is measured: a word and its style properties. */
type Inline = Record<string, unknown> & { text: string };
interface TextInlines {
  pdfDocument: { provideFont(font: unknown, bold: unknown, italics: unknown): MeasureFont };
  widthOfText(text: string, inline: Inline): number;
}
type Measure = (this: TextInlines, array: Inline[], stack: StyleStack | null | undefined) => Inline[];

interface TextInlinesClass {
  prototype: { buildInlines(textArray: unknown, stack: StyleStack): unknown; measure: Measure };
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
    if (pushesStyleNames(item)) return original(item, stack, property, fallback);
    const value = stackProperty(stack, property);
    return isValue(value) ? value : fallback;
  };
}

/**
 * Whether StyleContextStack.autopush(item) pushes style names: it pushes
 * nothing for a string or a section node, and otherwise the item's style names
 * and the item itself. A pushed item without style names adds nothing to a
 * walk for a property it has no value of its own for.
 */
function pushesStyleNames(item: unknown): boolean {
  return (
    Boolean((item as { style?: unknown }).style) &&
    typeof item !== 'string' &&
    !(item instanceof String) &&
    (item as { section?: unknown }).section === undefined
  );
}

/** getStyleProperty's answer from an inline's own value, else what it inherits, else the fallback. */
function pick(own: unknown, inherited: unknown, fallback: unknown): unknown {
  if (own !== undefined && own !== null) return own;
  return inherited !== undefined && inherited !== null ? inherited : fallback;
}

/** What an inline inherits for each property TextInlines.measure reads (one fixed shape). */
function inherited(get: (property: string) => unknown) {
  return {
    font: get('font'),
    bold: get('bold'),
    italics: get('italics'),
    alignment: get('alignment'),
    fontSize: get('fontSize'),
    fontFeatures: get('fontFeatures'),
    characterSpacing: get('characterSpacing'),
    color: get('color'),
    decoration: get('decoration'),
    decorationColor: get('decorationColor'),
    decorationStyle: get('decorationStyle'),
    decorationThickness: get('decorationThickness'),
    background: get('background'),
    link: get('link'),
    linkToPage: get('linkToPage'),
    linkToDestination: get('linkToDestination'),
    noWrap: get('noWrap'),
    opacity: get('opacity'),
    sup: get('sup'),
    sub: get('sub'),
    lineHeight: get('lineHeight'),
    preserveLeadingSpaces: get('preserveLeadingSpaces'),
    preserveTrailingSpaces: get('preserveTrailingSpaces'),
  };
}

const MEASURED_NAMES = new Set(Object.keys(inherited(() => undefined)));

/**
 * What the stack says for each measured property (stack.getProperty for each,
 * 23 walks over the stack) in one pass from the top: for each plain object
 * on the stack, its own keys are read, and a measured property takes the first
 * value met. A walk reads item[property]; for an object whose prototype is
 * Object.prototype, that is a property for-in lists, unless it was defined
 * non-enumerable (pdfmake and the letter's nodes never do). At a style name or
 * any other entry, the properties still open are asked of stack.getProperty:
 * the entries above had no value for them, so its walk from the top gives
 * the same answer.
 */
function inheritedFromStack(stack: StyleStack): ReturnType<typeof inherited> {
  const found = new Map<string, unknown>();
  const overrides = stack.styleOverrides;
  let rest: ((property: string) => unknown) | undefined;
  for (let i = (overrides ? overrides.length : 0) - 1; i >= 0 && found.size < MEASURED_NAMES.size; i--) {
    const entry = overrides[i];
    if (entry === null || typeof entry !== 'object' || Object.getPrototypeOf(entry) !== Object.prototype) {
      rest = (property) => stackProperty(stack, property);
      break;
    }
    for (const key in entry) {
      if (!MEASURED_NAMES.has(key) || found.has(key)) continue;
      const value = (entry as Record<string, unknown>)[key];
      if (value !== undefined && value !== null) found.set(key, value);
    }
  }
  const fallback =
    rest ?? ((property: string) => stack.defaultStyle && (stack.defaultStyle as Record<string, unknown>)[property]);
  return inherited((property) => (found.has(property) ? found.get(property) : fallback(property)));
}

/** The properties TextInlines.measure reads, in its order, with its fallbacks (checked against its source). */
export const MEASURED: readonly [string, unknown][] = [
  ['font', 'Roboto'],
  ['bold', false],
  ['italics', false],
  ['alignment', 'left'],
  ['fontSize', 12],
  ['fontFeatures', null],
  ['characterSpacing', 0],
  ['color', 'black'],
  ['decoration', null],
  ['decorationColor', null],
  ['decorationStyle', null],
  ['decorationThickness', null],
  ['background', null],
  ['link', null],
  ['linkToPage', null],
  ['linkToDestination', null],
  ['noWrap', null],
  ['opacity', 1],
  ['sup', false],
  ['sub', false],
  ['lineHeight', 1],
  ['preserveLeadingSpaces', false],
  ['preserveTrailingSpaces', false],
];

const LEADING = /^(\s)+/g;
const TRAILING = /(\s)+$/g;

/** pdfmake 0.3.11's TextInlines.measure, statement for statement, with the lookups of hook 3. */
function measureWith(getStyleProperty: () => GetStyleProperty): Measure {
  return function measure(this: TextInlines, array, stack) {
    const gsp = getStyleProperty();
    const first = array[0];
    if (first) {
      const leadingIndent = gsp(first, stack, 'leadingIndent', 0) as number;
      if (leadingIndent) {
        first.leadingCut = -leadingIndent;
        first.leadingIndent = leadingIndent;
      }
    }
    const base = stack ? inheritedFromStack(stack) : inherited(() => undefined);
    array.forEach((item) => {
      const from = stack && pushesStyleNames(item) ? inherited((p) => gsp(item, stack, p, undefined)) : base;
      const font = pick(item.font, from.font, 'Roboto');
      const bold = pick(item.bold, from.bold, false);
      const italics = pick(item.italics, from.italics, false);
      item.font = this.pdfDocument.provideFont(font, bold, italics);
      item.alignment = pick(item.alignment, from.alignment, 'left');
      item.fontSize = pick(item.fontSize, from.fontSize, 12);
      item.fontFeatures = pick(item.fontFeatures, from.fontFeatures, null);
      item.characterSpacing = pick(item.characterSpacing, from.characterSpacing, 0);
      item.color = pick(item.color, from.color, 'black');
      item.decoration = pick(item.decoration, from.decoration, null);
      item.decorationColor = pick(item.decorationColor, from.decorationColor, null);
      item.decorationStyle = pick(item.decorationStyle, from.decorationStyle, null);
      item.decorationThickness = pick(item.decorationThickness, from.decorationThickness, null);
      item.background = pick(item.background, from.background, null);
      item.link = pick(item.link, from.link, null);
      item.linkToPage = pick(item.linkToPage, from.linkToPage, null);
      item.linkToDestination = pick(item.linkToDestination, from.linkToDestination, null);
      item.noWrap = pick(item.noWrap, from.noWrap, null);
      item.opacity = pick(item.opacity, from.opacity, 1);
      item.sup = pick(item.sup, from.sup, false);
      item.sub = pick(item.sub, from.sub, false);
      if (item.sup || item.sub) item.fontSize = (item.fontSize as number) * 0.58;
      const lineHeight = pick(item.lineHeight, from.lineHeight, 1) as number;
      item.width = this.widthOfText(item.text, item);
      item.height = (item.font as MeasureFont).lineHeight(item.fontSize as number) * lineHeight;
      if (!item.leadingCut) item.leadingCut = 0;
      if (!pick(item.preserveLeadingSpaces, from.preserveLeadingSpaces, false)) {
        const leadingSpaces = item.text.match(LEADING);
        if (leadingSpaces) item.leadingCut = (item.leadingCut as number) + this.widthOfText(leadingSpaces[0], item);
      }
      item.trailingCut = 0;
      if (!pick(item.preserveTrailingSpaces, from.preserveTrailingSpaces, false)) {
        const trailingSpaces = item.text.match(TRAILING);
        if (trailingSpaces) item.trailingCut = this.widthOfText(trailingSpaces[0], item);
      }
    });
    return array;
  };
}

/** The (property, fallback) pairs pdfmake's measure source asks for, in order. */
function measuredBy(source: string): string[] {
  // Quotes either way: the bundle (esbuild) prints pdfmake's strings in double quotes.
  return [...source.matchAll(/getStyleProperty\(([^,]+), styleContextStack, ['"](\w+)['"], ([^)]*)\)/g)].map(
    (m) => `${m[1]} ${m[2]} ${(m[3] ?? '').replace(/^"(.*)"$/, "'$1'")}`,
  );
}

/** The shape hook 3 reproduces; pdfmake's measure must read exactly these, in this order. */
function expectedMeasureShape(): string[] {
  const literal = (v: unknown) => (typeof v === 'string' ? `'${v}'` : String(v));
  return ['array[0] leadingIndent 0', ...MEASURED.map(([p, v]) => `item ${p} ${literal(v)}`)];
}

let installed = false;

/** Installs the three hooks (idempotent). Throws if pdfmake's internals changed shape. */
export function installStyleLookups(): void {
  if (installed) return;
  const stackClass = (pdfmakeModule('StyleContextStack') as { default?: StyleContextStackClass }).default;
  const inlinesClass = (pdfmakeModule('TextInlines') as { default?: TextInlinesClass }).default;
  const original = stackClass?.getStyleProperty;
  const buildInlines = inlinesClass?.prototype.buildInlines;
  // In the bundle, esbuild numbers pdfmake's LEADING and TRAILING (LEADING2), as this module has the same names.
  const measureSource = String(inlinesClass?.prototype.measure).replace(/\b(LEADING|TRAILING)\d+\b/g, '$1');
  if (
    !stackClass ||
    typeof original !== 'function' ||
    typeof stackClass.prototype.getProperty !== 'function' ||
    !/styleContextStack\.auto\(item,/.test(original.toString()) ||
    !/this\.push\(item\)/.test(String(stackClass.prototype.autopush)) ||
    !inlinesClass ||
    typeof buildInlines !== 'function' ||
    measuredBy(measureSource).join('|') !== expectedMeasureShape().join('|') ||
    !['item.fontSize *= 0.58', 'this.widthOfText(item.text, item)', 'item.font.lineHeight(item.fontSize) * lineHeight']
      .concat(['item.text.match(LEADING)', 'item.text.match(TRAILING)', 'if (!item.leadingCut)'])
      .every((statement) => measureSource.includes(statement))
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
  inlinesClass.prototype.measure = measureWith(() => stackClass.getStyleProperty);
  installed = true;
}
