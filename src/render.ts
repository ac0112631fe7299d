import { countBySeverity, type Diagnostic, type Severity } from './diagnostics';
import { LineIndex } from './text-position';

/**
 * The one place diagnostics become text. Three formats:
 * - `text`: `file:line:col  severity  message  rule-id`, the offending line with a caret, and a summary;
 * - `json`: the array of diagnostics (ruleId, severity, message, file, line, column, ...);
 * - `sarif`: SARIF 2.1.0 as GitHub code scanning accepts it.
 */

export const FORMATS = ['text', 'json', 'sarif'] as const;
export type Format = (typeof FORMATS)[number];

export interface RuleDescription {
  id: string;
  description: string;
  severity: Severity;
}

export interface RenderOptions {
  color: boolean;
  /** Returns the text of a file (for the caret line), or undefined when it cannot be shown. */
  readSource: (file: string) => string | undefined;
  rules: readonly RuleDescription[];
  toolVersion: string;
}

export function render(format: Format, diagnostics: readonly Diagnostic[], options: RenderOptions): string {
  switch (format) {
    case 'json':
      return `${JSON.stringify(diagnostics.map(toJson), null, 2)}\n`;
    case 'sarif':
      return `${JSON.stringify(toSarif(diagnostics, options), null, 2)}\n`;
    case 'text':
      return renderText(diagnostics, options);
  }
}

function toJson(d: Diagnostic): Diagnostic {
  // A fixed key order keeps the JSON readable and diff-friendly.
  const { ruleId, severity, message, file, line, column, messageId, variant } = d;
  return { ruleId, severity, message, file, ...(line !== undefined ? { line, column } : {}), messageId, ...(variant ? { variant } : {}) } as Diagnostic;
}

const ANSI = { red: '\u001b[31m', yellow: '\u001b[33m', cyan: '\u001b[36m', dim: '\u001b[2m', bold: '\u001b[1m', reset: '\u001b[0m' };
const SEVERITY_COLOR: Record<Severity, string> = { error: ANSI.red, warning: ANSI.yellow, info: ANSI.cyan };

/** An argument as a POSIX shell reads it, for copy-ready commands (test --list, init's next step). */
export function shellWord(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/**
 * Text safe for a terminal: control characters (an ESC in a file name or a JSON string would start an escape
 * sequence) are shown as \\xNN or \\u{NNNN} instead of being written raw.
 */
export function printable(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g, (c) => {
    const code = c.charCodeAt(0);
    return code < 0x100 ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u{${code.toString(16)}}`;
  });
}

/** Longer source lines are shown as a window around the column, so a 1 MB line does not flood the terminal. */
const EXCERPT_WIDTH = 120;

function excerpt(lineText: string, column: number): { text: string; caret: number } {
  const flat = lineText.replace(/\t/g, ' ');
  if (flat.length <= EXCERPT_WIDTH + 40) return { text: printable(flat), caret: column - 1 };
  const start = Math.max(0, Math.min(column - 1 - EXCERPT_WIDTH / 2, flat.length - EXCERPT_WIDTH));
  const head = start > 0 ? '…' : '';
  const tail = start + EXCERPT_WIDTH < flat.length ? '…' : '';
  // Control characters before the caret widen when escaped: measure the escaped prefix.
  const before = printable(flat.slice(start, column - 1));
  return { text: head + printable(flat.slice(start, start + EXCERPT_WIDTH)) + tail, caret: head.length + before.length };
}

function renderText(diagnostics: readonly Diagnostic[], options: RenderOptions): string {
  const paint = (color: string, text: string) => (options.color ? `${color}${text}${ANSI.reset}` : text);
  const sources = new Map<string, LineIndex | undefined>();
  const lines: string[] = [];
  for (const d of diagnostics) {
    const where = d.line !== undefined ? `${d.file}:${d.line}:${d.column ?? 1}` : d.file;
    lines.push(`${paint(ANSI.bold, printable(where))}  ${paint(SEVERITY_COLOR[d.severity], d.severity)}  ${printable(d.message)}  ${paint(ANSI.dim, d.ruleId)}`);
    if (d.line === undefined) continue;
    if (!sources.has(d.file)) {
      const text = options.readSource(d.file);
      sources.set(d.file, text === undefined ? undefined : new LineIndex(text));
    }
    const source = sources.get(d.file);
    const lineText = source?.lineText(d.line);
    if (lineText === undefined || lineText.trim() === '') continue;
    const gutter = `${d.line} | `;
    const shown = excerpt(lineText, d.column ?? 1);
    lines.push(paint(ANSI.dim, `    ${gutter}`) + shown.text);
    lines.push(`    ${' '.repeat(gutter.length + Math.max(0, shown.caret))}${paint(SEVERITY_COLOR[d.severity], '^')}`);
  }
  const counts = countBySeverity(diagnostics);
  if (diagnostics.length === 0) lines.push('No problems found.');
  else {
    lines.push('');
    lines.push(`${counts.error} error(s), ${counts.warning} warning(s), ${counts.info} info.`);
  }
  return `${lines.join('\n')}\n`;
}

const SARIF_LEVEL: Record<Severity, 'error' | 'warning' | 'note'> = { error: 'error', warning: 'warning', info: 'note' };

function toSarif(diagnostics: readonly Diagnostic[], options: RenderOptions): object {
  const ruleIndex = new Map(options.rules.map((r, i) => [r.id, i]));
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'stagepack',
            version: options.toolVersion,
            rules: options.rules.map((r) => ({
              id: r.id,
              name: r.id,
              shortDescription: { text: r.description },
              fullDescription: { text: r.description },
              help: { text: `${r.description} See docs/rules.md#${r.id}.` },
              defaultConfiguration: { level: SARIF_LEVEL[r.severity] },
            })),
          },
        },
        results: diagnostics.map((d) => ({
          ruleId: d.ruleId,
          ...(ruleIndex.has(d.ruleId) ? { ruleIndex: ruleIndex.get(d.ruleId) } : {}),
          level: SARIF_LEVEL[d.severity],
          message: { text: d.message },
          locations: [
            {
              physicalLocation: {
                // SARIF wants URIs: forward slashes, relative to the checkout.
                artifactLocation: { uri: d.file.split('\\').join('/') },
                ...(d.line !== undefined ? { region: { startLine: d.line, startColumn: d.column ?? 1 } } : {}),
              },
            },
          ],
        })),
      },
    ],
  };
}

/** Says which folders were not read, so a misnamed metadata file is never a silent "No problems found". */
export function ignoredNote(command: string, ignored: readonly string[]): string {
  if (!ignored.length) return '';
  const shown = ignored.slice(0, 5).map((d) => printable(d)).join(', ') + (ignored.length > 5 ? ` and ${ignored.length - 5} more` : '');
  return `stagepack ${command}: not read, as neither a template nor a feature (no devcontainer-template.json or devcontainer-feature.json, nor a .devcontainer/, Dockerfile or install.sh): ${shown}\n`;
}
