import { own, scalarText, setOwn } from './jsonc';
import { isWhitespace } from './text-position';

/**
 * Template option placeholders, exactly as the Dev Containers CLI treats them.
 *
 * `devcontainer templates apply` replaces `${templateOption:NAME}` in every file of the template with the
 * regular expression below (devcontainers/cli, templatesApply): `\w+?` means a hyphenated option id never
 * matches, an undeclared name becomes the empty string, nothing is escaped, and a falsy value (false, "")
 * also becomes "". We mirror it so that lint and tests see what a user would get.
 */

/** The CLI's own pattern. Global: use with matchAll / replace. */
export const PLACEHOLDER_PATTERN = /\$\{templateOption:\s*(\w+?)\s*}/g;

export interface PlaceholderUse {
  name: string;
  /** Offset of the `$` in the text. */
  offset: number;
  length: number;
}

export function findPlaceholders(text: string): PlaceholderUse[] {
  const uses: PlaceholderUse[] = [];
  // PLACEHOLDER_PATTERN, read by hand (see placeholderEnd): every file of every template is searched.
  for (let at = text.indexOf(PREFIX); at >= 0; at = text.indexOf(PREFIX, at + 1)) {
    const end = placeholderEnd(text, at);
    if (!end) continue;
    uses.push({ name: end.name, offset: at, length: end.end - at });
    at = end.end - 1;
  }
  return uses;
}

/**
 * Something that looks like a placeholder but that the CLI will never replace (for example
 * `${templateOption:python-version}`): reported so the author does not ship a literal `${...}`.
 */
export const NEAR_PLACEHOLDER_PATTERN = /\$\{templateOption:[^}]*}/g;

/** The matches of NEAR_PLACEHOLDER_PATTERN that are not placeholders (found by hand, as findPlaceholders). */
export function findNearPlaceholders(text: string): { text: string; offset: number }[] {
  const near: { text: string; offset: number }[] = [];
  for (let at = text.indexOf(PREFIX); at >= 0; ) {
    const close = text.indexOf('}', at + PREFIX.length);
    if (close < 0) break;
    // A placeholder anywhere in it (`${templateOption:${templateOption:a}`) ends at the same brace: not a near miss.
    let real = false;
    for (let p = at; p >= 0 && p < close && !real; p = text.indexOf(PREFIX, p + 1)) real = placeholderEnd(text, p)?.end === close + 1;
    if (!real) near.push({ text: text.slice(at, close + 1), offset: at });
    at = text.indexOf(PREFIX, close + 1);
  }
  return near;
}

/** Substitutes values the way `devcontainer templates apply` does (unknown or falsy names become ""). */
export function applyOptions(text: string, values: Readonly<Record<string, string | boolean | undefined>>): string {
  // The CLI's regular expression, read by hand: lint substitutes into every instruction of every variant,
  // and a scan for the fixed prefix costs a fraction of a global replace with a callback.
  let at = text.indexOf(PREFIX);
  if (at < 0) return text;
  let out = '';
  let last = 0;
  for (; at >= 0; at = text.indexOf(PREFIX, at + 1)) {
    const end = placeholderEnd(text, at);
    if (end === undefined) continue;
    // Own values only: `${templateOption:constructor}` of an undeclared option is "", not Object's constructor.
    const value = own(values, end.name);
    out += text.slice(last, at) + (value ? String(value) : '');
    last = end.end;
    at = end.end - 1;
  }
  return out + text.slice(last);
}

/** How every placeholder begins: a text without it has none (a cheap test before a scan). */
export const PLACEHOLDER_PREFIX = '${templateOption:';
const PREFIX = PLACEHOLDER_PREFIX;

/**
 * Where the placeholder starting at `at` (with PREFIX) ends, and its name, matched as PLACEHOLDER_PATTERN
 * matches it: `\s*`, a run of word characters, `\s*`, `}` (the lazy `\w+?` can only end where `\s*}` follows,
 * which is after the whole run, as neither matches a word character).
 */
function placeholderEnd(text: string, at: number): { name: string; end: number } | undefined {
  let i = at + PREFIX.length;
  while (i < text.length && isWhitespace(text.charCodeAt(i))) i++;
  const nameStart = i;
  while (i < text.length && isWordChar(text.charCodeAt(i))) i++;
  if (i === nameStart) return undefined;
  const name = text.slice(nameStart, i);
  while (i < text.length && isWhitespace(text.charCodeAt(i))) i++;
  return text.charCodeAt(i) === 0x7d ? { name, end: i + 1 } : undefined;
}

function isWordChar(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || c === 0x5f;
}


export interface TemplateOptionSpec {
  type?: unknown;
  default?: unknown;
  proposals?: unknown;
  enum?: unknown;
  description?: unknown;
}

/** The `-a` argument of `devcontainer templates apply`: every declared option at its default, as strings. */
export function defaultOptionValues(options: Readonly<Record<string, TemplateOptionSpec>> | undefined): Record<string, string> {
  const values: Record<string, string> = {};
  for (const [name, spec] of Object.entries(options ?? {})) {
    const value = spec ? scalarText(spec.default) : undefined;
    if (value !== undefined) setOwn(values, name, value);
  }
  return values;
}

/** A replacement in a text: `length` characters at `offset` (of the text before it) became `text`. */
export interface TextEdit {
  offset: number;
  length: number;
  text: string;
}

export interface AppliedText {
  text: string;
  /** Each placeholder replaced, in order, at its offset in the template's own text. */
  edits: TextEdit[];
  /** Maps an offset in the applied text back to the offset in the template's own text. */
  toSource(offset: number): number;
  changed: boolean;
}

/**
 * applyOptions, remembering where each replacement happened, so a diagnostic found in the applied text can
 * be shown at the matching place of the template file (an offset inside a substituted value maps to the
 * start of its placeholder).
 */
export function applyOptionsMapped(text: string, values: Readonly<Record<string, string | boolean | undefined>>): AppliedText {
  const edits: TextEdit[] = findPlaceholders(text).map((use) => {
    const value = own(values, use.name);
    return { offset: use.offset, length: use.length, text: value ? String(value) : '' };
  });
  let out = '';
  let last = 0;
  for (const edit of edits) {
    out += text.slice(last, edit.offset) + edit.text;
    last = edit.offset + edit.length;
  }
  out += text.slice(last);
  return {
    text: out,
    edits,
    changed: edits.length > 0,
    toSource(offset: number): number {
      // How far the source is ahead of the applied text after the edits passed so far.
      let shift = 0;
      for (const edit of edits) {
        const appliedStart = edit.offset - shift;
        if (offset < appliedStart) break;
        if (offset < appliedStart + edit.text.length) return edit.offset;
        shift += edit.length - edit.text.length;
      }
      return offset + shift;
    },
  };
}

/**
 * The defaults with one option changed, without copying them: a template with 1,000 options has 2,000
 * variants, and copying 1,000 values for each cost a second. It reads like a plain object (lookups, keys,
 * JSON.stringify, spreading) and cannot be changed. (A plain copy can: nothing writes to variant values.)
 */
function overriding(defaults: Readonly<Record<string, string>>, option: string, value: string, count: number): Record<string, string> {
  // Few options (every real template): a plain copy, whose lookups are faster than a view's.
  if (count <= 64) {
    const copy = { ...defaults };
    setOwn(copy, option, value);
    return copy;
  }
  const has = (key: string) => key === option || Object.prototype.hasOwnProperty.call(defaults, key);
  const get = (key: string) => (key === option ? value : defaults[key]);
  return new Proxy({} as Record<string, string>, {
    get: (_t, key) => (typeof key === 'string' && has(key) ? get(key) : undefined),
    has: (_t, key) => typeof key === 'string' && has(key),
    ownKeys: () => (Object.prototype.hasOwnProperty.call(defaults, option) ? Object.keys(defaults) : [...Object.keys(defaults), option]),
    getOwnPropertyDescriptor: (_t, key) => (typeof key === 'string' && has(key) ? { value: get(key), enumerable: true, configurable: true, writable: false } : undefined),
    set: () => false,
    defineProperty: () => false,
    deleteProperty: () => false,
  });
}

export interface OptionVariant {
  /** The values applied: every option at its default, but for at most one. */
  values: Record<string, string>;
  /** The option that differs from its default (undefined for the defaults themselves). */
  option?: string;
  value?: string;
}

/**
 * What lint checks a template with: the defaults, then each proposal or enum value of each option, one
 * option at a time (not the full product, which grows too fast). Boolean options also try their other value.
 * `fixed` values stand in for the defaults everywhere and are never varied.
 */
export function optionVariants(options: Readonly<Record<string, TemplateOptionSpec>>, fixed: Readonly<Record<string, string>> = {}): OptionVariant[] {
  const defaults = defaultOptionValues(options);
  // Values the user fixed (`stagepack test --option`) replace the defaults and are not varied.
  for (const [name, value] of Object.entries(fixed)) setOwn(defaults, name, value);
  const count = Object.keys(defaults).length;
  const variants: OptionVariant[] = [{ values: defaults }];
  for (const [name, spec] of Object.entries(options)) {
    if (Object.prototype.hasOwnProperty.call(fixed, name)) continue;
    const candidates = new Set<string>();
    for (const list of [spec.proposals, spec.enum]) {
      if (!Array.isArray(list)) continue;
      for (const v of list) {
        const text = scalarText(v);
        if (text !== undefined) candidates.add(text);
      }
    }
    if (spec.type === 'boolean') ['true', 'false'].forEach((v) => candidates.add(v));
    for (const value of candidates) {
      if (value === defaults[name]) continue;
      variants.push({ values: overriding(defaults, name, value, count), option: name, value });
    }
  }
  return variants;
}

/**
 * When the values of a variant cannot be built on this machine (Python 3.13 on bookworm, where no such image
 * can be pulled or stood in for), the pairs to try instead, in order: the same varied value together with one
 * other option at another of its proposals or enum values (3.13 with debianRelease=trixie). The varied option
 * keeps its value: the pair still tests what the variant is for.
 */
export function pairedVariants(options: Readonly<Record<string, TemplateOptionSpec>>, values: Readonly<Record<string, string>>, varied: string): Record<string, string>[] {
  const pairs: Record<string, string>[] = [];
  for (const [name, spec] of Object.entries(options)) {
    if (name === varied) continue;
    const candidates = new Set<string>();
    for (const list of [spec.proposals, spec.enum]) if (Array.isArray(list)) for (const v of list) if (scalarText(v) !== undefined) candidates.add(scalarText(v) as string);
    if (spec.type === 'boolean') ['true', 'false'].forEach((v) => candidates.add(v));
    for (const value of candidates) {
      if (value === own(values, name)) continue;
      const pair = { ...values };
      setOwn(pair, name, value);
      pairs.push(pair);
    }
  }
  return pairs;
}
