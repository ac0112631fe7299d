import type { Position } from './diagnostics';
import { isWhitespace } from './text-position';

/**
 * A Dockerfile's instructions, read in one linear pass.
 *
 * Why not dockerfile-ast (which this replaced, and which a test still compares it with): lint reads every
 * Dockerfile of a collection, and a 1 MB one took dockerfile-ast 400 to 520 ms on these machines, most of it
 * re-scanning each instruction's arguments for ranges we never use. This reads only what the model needs:
 * keyword, arguments (continuations joined, comment lines dropped, flags taken off), flags, ARG/ENV
 * properties, the stage name of a FROM, and positions, with the same results as dockerfile-ast on every
 * Dockerfile we have (test/unit/dockerfile-parser.test.ts).
 *
 * Followed from the Dockerfile reference: parser directives (`# escape=` sets the continuation character),
 * comment lines (also inside a continued instruction), empty continuation lines, here-documents (`<<EOF`
 * keeps the lines up to its terminator), exec form left as written.
 */
export interface RawFlag {
  name: string;
  value: string;
  position: Position;
}

export interface RawProperty {
  name: string;
  value?: string;
  position: Position;
}

export interface RawInstruction {
  keyword: string;
  args: string;
  flags: RawFlag[];
  properties: RawProperty[];
  position: Position;
  endLine: number;
  stageNamePosition?: Position;
}

/** The instructions whose leading `--name=value` words are flags. */
export const FLAG_KEYWORDS: ReadonlySet<string> = new Set(['FROM', 'RUN', 'COPY', 'ADD', 'HEALTHCHECK']);
const HEREDOC_KEYWORDS = new Set(['RUN', 'COPY', 'ADD']);

/** A piece of an instruction's arguments, and where its first character is in the file. */
interface Segment {
  text: string;
  line: number;
  column: number;
}

export function parseInstructions(text: string): RawInstruction[] {
  const lines = text.split('\n');
  for (let k = 0; k < lines.length; k++) if (lines[k].endsWith('\r')) lines[k] = lines[k].slice(0, -1);
  const escape = escapeOf(lines);
  const instructions: RawInstruction[] = [];
  let i = 0;
  while (i < lines.length) {
    const line = lines[i];
    const start = firstNonSpace(line);
    if (start < 0 || line.charCodeAt(start) === 0x23 /* # */) {
      i++;
      continue;
    }
    const position = { line: i + 1, column: start + 1 };
    // The logical line first (continuations joined: even a keyword may be split by one), then its words.
    const segments: Segment[] = [];
    let current = i;
    let body = line.slice(start);
    let column = start;
    let endLine = i;
    for (;;) {
      const trimmed = trimBlanksEnd(body);
      if (!trimmed.endsWith(escape)) {
        if (body.length) segments.push({ text: body, line: current, column });
        endLine = current;
        break;
      }
      segments.push({ text: trimmed.slice(0, -1), line: current, column });
      endLine = current;
      // The next line that is neither empty nor a comment continues the instruction.
      let next = current + 1;
      while (next < lines.length && isBlankOrComment(lines[next])) next++;
      if (next >= lines.length) break;
      current = next;
      body = lines[current];
      column = 0;
    }
    let joined = segments.length === 1 ? segments[0].text : '';
    if (segments.length > 1) for (const segment of segments) joined += segment.text;
    const keywordText = joined.slice(0, firstSpace(joined));
    const keyword = keywordText.toUpperCase();
    // Here-documents: the lines up to each terminator belong to the instruction, verbatim.
    if (HEREDOC_KEYWORDS.has(keyword) && joined.includes('<<')) {
      // A word that starts with `<<` (`install<<EOF` is one word, not a here-document).
      for (const match of joined.matchAll(/(?<=^|\s)<<(-?)(["']?)([A-Za-z_][\w.-]*)\2/g)) {
        const stripTabs = match[1] === '-';
        let j = endLine + 1;
        for (; j < lines.length; j++) {
          segments.push({ text: `\n${lines[j]}`, line: j, column: -1 });
          if ((stripTabs ? lines[j].replace(/^\t+/, '') : lines[j]) === match[3]) break;
        }
        endLine = Math.min(j, lines.length - 1);
      }
    }
    instructions.push(build(keyword, keywordText.length, position, endLine + 1, segments));
    i = endLine + 1;
  }
  return instructions;
}

/** The index of the first non-whitespace character, or -1 (as `line.search(/\S/)`). */
function firstNonSpace(line: string): number {
  for (let k = 0; k < line.length; k++) if (!isWhitespace(line.charCodeAt(k))) return k;
  return -1;
}

/** The index of the first whitespace character, or the length (the end of `/^\S*`/). */
function firstSpace(text: string): number {
  for (let k = 0; k < text.length; k++) if (isWhitespace(text.charCodeAt(k))) return k;
  return text.length;
}

/** Without trailing spaces and tabs (as `.replace(/[ \t]+$/, '')`). */
function trimBlanksEnd(text: string): string {
  let end = text.length;
  while (end > 0 && (text.charCodeAt(end - 1) === 0x20 || text.charCodeAt(end - 1) === 0x09)) end--;
  return end === text.length ? text : text.slice(0, end);
}

/** An empty line or a comment line (`/^\s*#/`), which a continued instruction skips. */
function isBlankOrComment(line: string): boolean {
  const k = firstNonSpace(line);
  return k < 0 || line.charCodeAt(k) === 0x23;
}

function build(keyword: string, keywordLength: number, position: Position, endLine: number, segments: Segment[]): RawInstruction {
  // Offsets into the joined arguments, mapped back to file positions through the segments.
  let content = '';
  const starts: { offset: number; segment: Segment }[] = [];
  for (const segment of segments) {
    starts.push({ offset: content.length, segment });
    content += segment.text;
  }
  const positionAt = (offset: number): Position => {
    let k = starts.length - 1;
    while (k > 0 && starts[k].offset > offset) k--;
    const found = starts[k];
    if (!found) return position;
    // A here-document line's piece starts with the newline that precedes it.
    if (found.segment.column < 0) return { line: found.segment.line + 1, column: Math.max(1, offset - found.offset) };
    return { line: found.segment.line + 1, column: found.segment.column + (offset - found.offset) + 1 };
  };
  const flags: RawFlag[] = [];
  let argsStart = keywordLength;
  if (FLAG_KEYWORDS.has(keyword)) {
    const flagPattern = /\s*--([A-Za-z][\w-]*)(?:=(\S*))?(?=\s|$)/y;
    for (;;) {
      flagPattern.lastIndex = argsStart;
      const match = flagPattern.exec(content);
      if (!match) break;
      // A backslash in a flag's value escapes the next character, as in the shell words BuildKit reads.
      flags.push({ name: match[1], value: (match[2] ?? '').replace(/\\(.)/g, '$1'), position: positionAt(argsStart + match[0].indexOf('--')) });
      argsStart = flagPattern.lastIndex;
    }
  }
  const tail = content.slice(argsStart);
  const trimmedStart = tail.trimStart();
  const leading = tail.length - trimmedStart.length;
  const argsOffset = argsStart + leading;
  const args = trimmedStart.trimEnd();
  const properties = keyword === 'ARG' || keyword === 'ENV' ? propertiesOf(keyword, args, (o) => positionAt(argsOffset + o)) : [];
  let stageNamePosition: Position | undefined;
  if (keyword === 'FROM') {
    const as = /^(\S+)\s+[Aa][Ss]\s+(\S+)/.exec(args);
    if (as) stageNamePosition = positionAt(argsOffset + as[0].length - as[2].length);
  }
  return { keyword, args, flags, properties, position, endLine, ...(stageNamePosition ? { stageNamePosition } : {}) };
}

/**
 * ARG and ENV properties: `NAME=value` pairs (values unquoted: "..." with backslash escapes, '...' literal,
 * a backslash outside quotes keeps the next character), or ENV's legacy `NAME value words` form.
 */
function propertiesOf(keyword: string, args: string, positionAt: (offset: number) => Position): RawProperty[] {
  const properties: RawProperty[] = [];
  let i = 0;
  const skipSpace = () => {
    while (i < args.length && /\s/.test(args[i])) i++;
  };
  skipSpace();
  // ENV NAME value (no `=` in the first word): the rest of the line is the value.
  const first = /^[^\s=]+(?=\s|$)/.exec(args.slice(i));
  if (keyword === 'ENV' && first && !args.slice(i, i + first[0].length).includes('=')) {
    const rest = args.slice(i + first[0].length).trim();
    if (rest) return [{ name: first[0], value: unquote(rest), position: positionAt(i) }];
  }
  while (i < args.length) {
    const nameStart = i;
    while (i < args.length && args[i] !== '=' && !/\s/.test(args[i])) i++;
    const name = args.slice(nameStart, i);
    let value: string | undefined;
    if (args[i] === '=') {
      i++;
      const valueStart = i;
      let quote: string | undefined;
      while (i < args.length) {
        const c = args[i];
        if (quote) {
          if (c === '\\' && quote === '"') i++;
          else if (c === quote) quote = undefined;
        } else if (c === '"' || c === "'") quote = c;
        else if (c === '\\') i++;
        else if (/\s/.test(c)) break;
        i++;
      }
      value = unquote(args.slice(valueStart, i));
    }
    if (name) properties.push({ name, value, position: positionAt(nameStart) });
    skipSpace();
  }
  return properties;
}

function unquote(value: string): string {
  let out = '';
  let quote: string | undefined;
  for (let i = 0; i < value.length; i++) {
    const c = value[i];
    if (quote) {
      if (c === quote) quote = undefined;
      else if (c === '\\' && quote === '"' && i + 1 < value.length && /["\\$`]/.test(value[i + 1])) out += value[++i];
      else out += c;
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '\\' && i + 1 < value.length) out += value[++i];
    else out += c;
  }
  return out;
}

/** A parser directive line: `# name=value` (Dockerfile reference, "Parser directives"). */
export const DIRECTIVE = /^#\s*([a-zA-Z]+)\s*=\s*(\S*)\s*$/;

/**
 * The continuation character: `\`, or a backtick set by a `# escape=` parser directive at the top (Dockerfile
 * reference, "escape"). Directives are the comment lines before anything else; the first other line ends them.
 */
export function escapeOf(lines: readonly string[]): string {
  for (const raw of lines) {
    const directive = DIRECTIVE.exec(stripCr(raw));
    if (!directive) break;
    if (directive[1].toLowerCase() === 'escape' && (directive[2] === '`' || directive[2] === '\\')) return directive[2];
  }
  return '\\';
}

function stripCr(line: string): string {
  return line.endsWith('\r') ? line.slice(0, -1) : line;
}
