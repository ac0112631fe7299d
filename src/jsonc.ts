import { findNodeAtLocation, getNodeValue, parseTree, printParseErrorCode, type JSONPath, type Node, type ParseError } from 'jsonc-parser';
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

export function parseJsonc(text: string): JsoncDocument {
  const raw: ParseError[] = [];
  // devcontainer.json is JSONC: comments and trailing commas are allowed by the spec and by the CLI.
  const tree = parseTree(text, raw, { allowTrailingComma: true, disallowComments: false });
  const lines = new LineIndex(text);
  return {
    text,
    lines,
    tree,
    value: tree ? getNodeValue(tree) : undefined,
    errors: raw.map((e) => ({ code: printParseErrorCode(e.error), position: lines.positionAt(e.offset) })),
  };
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

/** Reads a nested property without casts: `getPath(config, ['build', 'target'])`. */
export function getPath(value: unknown, path: readonly string[]): unknown {
  let cursor: unknown = value;
  for (const key of path) {
    if (!isRecord(cursor)) return undefined;
    cursor = cursor[key];
  }
  return cursor;
}
