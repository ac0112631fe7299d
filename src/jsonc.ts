import { createScanner, findNodeAtLocation, getNodeValue, parseTree, printParseErrorCode, SyntaxKind, type JSONPath, type Node, type ParseError } from 'jsonc-parser';
import type { Position } from './diagnostics';
import { LineIndex } from './text-position';

/**
 * A JSON-with-comments document that keeps its syntax tree and its parse errors. Never `parse(x) as T`: the
 * value is `unknown` until a rule or a schema has looked at it, and every error keeps its offset.
 */
export interface JsoncDocument {
  text: string;
  lines: LineIndex;
  tree: Node | undefined;
  value: unknown;
  errors: JsoncError[];
}

export interface JsoncError {
  code: string;
  position: Position;
}

/**
 * Deeper than any devcontainer.json or metadata file needs (they nest a handful of levels). The parser, the
 * value builder and the schema validator all recurse, so a file nested thousands of levels deep would
 * overflow the stack; it is refused with an error at the bracket that goes too deep instead.
 */
export const MAX_JSON_DEPTH = 64;
/** The error code of a document refused for its depth. */
export const TOO_DEEP = 'NestedTooDeep';

export function parseJsonc(text: string): JsoncDocument {
  const lines = new LineIndex(text);
  const tooDeep = nestingBeyond(text, MAX_JSON_DEPTH);
  if (tooDeep !== undefined) {
    return { text, lines, tree: undefined, value: undefined, errors: [{ code: TOO_DEEP, position: lines.positionAt(tooDeep) }] };
  }
  const raw: ParseError[] = [];
  // devcontainer.json is JSONC: comments and trailing commas are allowed by the spec and by the CLI. A byte
  // order mark is read as a space (same offsets), and reported by text-encoding rather than as a syntax error.
  const parsed = text.charCodeAt(0) === 0xfeff ? ` ${text.slice(1)}` : text;
  const tree = parseTree(parsed, raw, { allowTrailingComma: true, disallowComments: false });
  return {
    text,
    lines,
    tree,
    value: tree ? getNodeValue(tree) : undefined,
    errors: raw.map((e) => ({ code: printParseErrorCode(e.error), position: lines.positionAt(e.offset) })),
  };
}

/**
 * The document `doc` becomes when `edits` (placeholders replaced by option values, in order, at offsets of
 * `doc.text`) give `text`, made from doc's tree instead of parsing `text` again: lint reads devcontainer.json
 * once per option variant. Only when that is sure to be the parse of `text`: doc parsed without errors, and
 * every edit lies inside a string written without escapes (or inside a comment, which it does not end) and
 * puts in no quote, backslash or line break or other control character, so every token stays the token it
 * was. Undefined otherwise: then parse `text`.
 */
export function substitutedJsonc(doc: JsoncDocument, text: string, edits: readonly { offset: number; length: number; text: string }[], lines = new LineIndex(text)): JsoncDocument | undefined {
  if (!doc.tree || doc.errors.length) return undefined;
  for (const edit of edits) if (/["\\\u0000-\u001f\u2028\u2029]/.test(edit.text)) return undefined;
  const strings: Node[] = [];
  const collect = (node: Node) => {
    if (node.type === 'string') strings.push(node);
    node.children?.forEach(collect);
  };
  collect(doc.tree);
  // Both lists are in text order: walk them together.
  let k = 0;
  for (const edit of edits) {
    while (k < strings.length && strings[k].offset + strings[k].length <= edit.offset) k++;
    const string = strings[k];
    if (string && edit.offset > string.offset && edit.offset < string.offset + string.length) {
      if (edit.offset + edit.length > string.offset + string.length - 1) return undefined;
      if (doc.text.slice(string.offset + 1, string.offset + string.length - 1).includes('\\')) return undefined;
    } else if (edit.text.includes('*/')) {
      // Outside every string, a placeholder in a file without errors can only be in a comment.
      return undefined;
    }
  }
  const shifted = (offset: number) => {
    let delta = 0;
    for (const edit of edits) {
      if (edit.offset + edit.length > offset) break;
      delta += edit.text.length - edit.length;
    }
    return offset + delta;
  };
  const isEdited = (node: Node) => node.type === 'string' && edits.some((e) => e.offset > node.offset && e.offset < node.offset + node.length);
  const copy = (node: Node, parent: Node | undefined): Node => {
    const offset = shifted(node.offset);
    const length = shifted(node.offset + node.length) - offset;
    const made: { -readonly [K in keyof Node]: Node[K] } = {
      type: node.type,
      value: isEdited(node) ? text.slice(offset + 1, offset + length - 1) : node.value,
      offset,
      length,
      colonOffset: node.colonOffset === undefined ? undefined : shifted(node.colonOffset),
      parent,
      children: undefined,
    };
    if (node.children) made.children = node.children.map((child) => copy(child, made));
    return made;
  };
  // The value: built as getNodeValue builds it (the same assignments in the same order, so duplicate and
  // renamed keys end alike), but only for the objects and arrays that hold an edited string; every other
  // value is the template document's own object, shared.
  const edited = new Set(strings.filter(isEdited));
  const touched = new Set<Node>();
  for (const node of edited) for (let up = node.parent; up && !touched.has(up); up = up.parent) touched.add(up);
  const newText = (node: Node) => text.slice(shifted(node.offset) + 1, shifted(node.offset + node.length) - 1);
  const valueOf = (node: Node, raw: unknown): unknown => {
    if (edited.has(node)) return newText(node);
    if (!touched.has(node)) return raw;
    const children = node.children ?? [];
    if (node.type === 'array') {
      const rawItems = raw as unknown[];
      return children.map((child, i) => valueOf(child, rawItems[i]));
    }
    const object = Object.create(null) as Record<string, unknown>;
    const rawObject = raw as Record<string, unknown>;
    for (const property of children) {
      const [keyNode, valueNode] = property.children ?? [];
      if (!keyNode || !valueNode) continue;
      const key = keyNode.value as string;
      setOwn(object, edited.has(keyNode) ? newText(keyNode) : key, valueOf(valueNode, own(rawObject, key)));
    }
    return object;
  };
  let tree: Node | undefined;
  const treeOf = () => (tree ??= copy(doc.tree as Node, undefined));
  const value = valueOf(doc.tree, doc.value);
  // The tree is made only when a rule asks for a position.
  const made: JsoncDocument = {
    text,
    lines,
    get tree() {
      return treeOf();
    },
    value,
    errors: [],
  };
  shaped.add(made);
  return made;
}

/** Documents substitutedJsonc made: the template's own shape, only string contents changed. */
const shaped = new WeakSet<JsoncDocument>();

/** Whether substitutedJsonc made this document from `template` (same properties, same structure). */
export function hasShapeOf(doc: JsoncDocument, template: JsoncDocument): boolean {
  return doc === template || shaped.has(doc);
}

/** The offset of the first bracket that opens level `limit + 1`, found by a linear scan (strings and comments skipped). */
function nestingBeyond(text: string, limit: number): number | undefined {
  // A text with fewer opening brackets than the limit cannot nest past it: no need to tokenize it twice.
  let opening = 0;
  for (let i = 0; i < text.length && opening <= limit; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x7b || c === 0x5b) opening++;
  }
  if (opening <= limit) return undefined;
  const scanner = createScanner(text, false);
  let depth = 0;
  for (let token = scanner.scan(); token !== SyntaxKind.EOF; token = scanner.scan()) {
    if (token === SyntaxKind.OpenBraceToken || token === SyntaxKind.OpenBracketToken) {
      if (++depth > limit) return scanner.getTokenOffset();
    } else if (token === SyntaxKind.CloseBraceToken || token === SyntaxKind.CloseBracketToken) depth = Math.max(0, depth - 1);
  }
  return undefined;
}

/**
 * Where a JSON path is written. For a property, the position of its key (what an author looks for); for an
 * array item, the item. When the path does not exist, the closest existing parent, so a "missing field"
 * diagnostic points at the object that should hold it.
 */
export function positionOf(doc: JsoncDocument, path: JSONPath): Position {
  if (!doc.tree) return { line: 1, column: 1 };
  for (let length = path.length; length >= 0; length--) {
    const node = findNodeAtLocation(doc.tree, path.slice(0, length));
    if (!node) continue;
    const keyNode = node.parent?.type === 'property' ? node.parent.children?.[0] : undefined;
    return doc.lines.positionAt((keyNode ?? node).offset);
  }
  return doc.lines.positionAt(doc.tree.offset);
}

/** Position of a property's value (rather than its key), for messages about the value. */
export function valuePositionOf(doc: JsoncDocument, path: JSONPath): Position {
  const node = doc.tree ? findNodeAtLocation(doc.tree, path) : undefined;
  return node ? doc.lines.positionAt(node.offset) : positionOf(doc, path);
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The text of a JSON scalar (string, number, boolean), or undefined for anything else. Objects that
 * jsonc-parser builds have no prototype, so `String(value)` on one throws: never stringify user JSON blindly.
 */
export function scalarText(value: unknown): string | undefined {
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' ? String(value) : undefined;
}

/**
 * Sets an own property whatever its name. `object[key] = value` with the key "__proto__" (an option, a
 * build arg or a template id from a user's file) changes the object's prototype instead of adding a key.
 */
export function setOwn<T>(object: Record<string, T>, key: string, value: T): void {
  // Only "__proto__" has a setter on a plain object; every other key is an ordinary (and faster) assignment.
  if (key === '__proto__') Object.defineProperty(object, key, { value, enumerable: true, writable: true, configurable: true });
  else object[key] = value;
}

/** An own property's value, never one inherited from Object.prototype (`env["constructor"]`). */
export function own<T>(object: Readonly<Record<string, T>>, key: string): T | undefined {
  return Object.prototype.hasOwnProperty.call(object, key) ? object[key] : undefined;
}

/** Keys set twice in one object: the later one wins in every parser, and the earlier is silently lost. */
export function duplicateKeys(doc: JsoncDocument): { key: string; path: JSONPath; position: Position; first: Position }[] {
  const found: { key: string; path: JSONPath; position: Position; first: Position }[] = [];
  // Each node with the way back to the root; a path is spelled out only for a duplicate (most files have none).
  interface Step {
    node: Node;
    key?: string | number;
    parent?: Step;
  }
  const pathOf = (step: Step): JSONPath => {
    const path: JSONPath = [];
    for (let s: Step | undefined = step; s?.key !== undefined; s = s.parent) path.unshift(s.key);
    return path;
  };
  const stack: Step[] = doc.tree ? [{ node: doc.tree }] : [];
  while (stack.length) {
    const step = stack.pop()!;
    const { node } = step;
    if (node.type === 'object') {
      const seen = new Map<string, Node>();
      for (const property of node.children ?? []) {
        const keyNode = property.children?.[0];
        const valueNode = property.children?.[1];
        if (!keyNode || typeof keyNode.value !== 'string') continue;
        const key = keyNode.value;
        const earlier = seen.get(key);
        if (earlier) found.push({ key, path: pathOf(step), position: doc.lines.positionAt(keyNode.offset), first: doc.lines.positionAt(earlier.offset) });
        else seen.set(key, keyNode);
        if (valueNode && (valueNode.type === 'object' || valueNode.type === 'array')) stack.push({ node: valueNode, key, parent: step });
      }
    } else if (node.type === 'array') {
      (node.children ?? []).forEach((child, i) => {
        if (child.type === 'object' || child.type === 'array') stack.push({ node: child, key: i, parent: step });
      });
    }
  }
  return found.sort((a, b) => a.position.line - b.position.line || a.position.column - b.position.column);
}

/** Reads a nested property without casts: `getPath(config, ['build', 'target'])`. */
export function getPath(value: unknown, path: readonly string[]): unknown {
  let cursor: unknown = value;
  for (const key of path) {
    if (!isRecord(cursor)) return undefined;
    cursor = cursor[key];
  }
  return cursor;
}
