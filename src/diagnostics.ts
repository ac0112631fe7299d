/**
 * Diagnostics are data. Rules and loaders produce them; `render.ts` is the only place that turns them into
 * text, JSON or SARIF. A diagnostic carries the message id and its data so that the wording lives in one
 * table per rule (its `meta.messages`), and the formatted message so that every renderer says the same thing.
 */

export const SEVERITIES = ['error', 'warning', 'info'] as const;
export type Severity = (typeof SEVERITIES)[number];
/** What a config file may set a rule to. */
export type RuleSetting = Severity | 'off';

/** 1-based line and column, as editors, SARIF and `file:line:col` links count them. */
export interface Position {
  line: number;
  column: number;
}

export interface Diagnostic {
  ruleId: string;
  severity: Severity;
  messageId: string;
  message: string;
  /** Path of the file as the user gave it (or relative to what they gave). */
  file: string;
  line?: number;
  column?: number;
  endLine?: number;
  endColumn?: number;
  /** For a template: the option value under which the problem appears, when not with the defaults. */
  variant?: string;
}

export type MessageData = Record<string, string | number>;

/**
 * Fills `{{name}}` placeholders, as ESLint messages do. An unknown placeholder is a bug in a rule, so it is
 * left visible rather than silently dropped.
 */
export function formatMessage(template: string, data: MessageData = {}): string {
  return template.replace(/\{\{\s*(\w+)\s*\}\}/g, (whole, key: string) =>
    Object.prototype.hasOwnProperty.call(data, key) ? String(data[key]) : whole,
  );
}

/** Stable order: by file, then position, then rule id, so output and snapshots never depend on rule order. */
export function compareDiagnostics(a: Diagnostic, b: Diagnostic): number {
  return (
    a.file.localeCompare(b.file) ||
    (a.line ?? 0) - (b.line ?? 0) ||
    (a.column ?? 0) - (b.column ?? 0) ||
    a.ruleId.localeCompare(b.ruleId) ||
    a.message.localeCompare(b.message)
  );
}

export function countBySeverity(diagnostics: readonly Diagnostic[]): Record<Severity, number> {
  const counts: Record<Severity, number> = { error: 0, warning: 0, info: 0 };
  for (const d of diagnostics) counts[d.severity] += 1;
  return counts;
}
