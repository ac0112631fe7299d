import type { MessageData, Position, Severity } from '../diagnostics';
import type { LoadedTarget, LoadedTemplate, SourceFile, TargetKind } from '../pack';

/**
 * A lint rule, in the shape typescript-eslint uses: a stable kebab-case id equal to its file name, a one-line
 * imperative description, a default severity, and messages keyed by camelCase ids with `{{placeholders}}`.
 * A rule never formats text and never decides the final severity; it reports what it found, where.
 */
export interface RuleMeta<MessageIds extends string> {
  /** One line, imperative: what the author should do. Shown by --list-rules, SARIF and docs/rules.md. */
  description: string;
  /** Why the rule exists: what breaks, for whom, and the spec or CLI behaviour behind it (docs/rules.md). */
  rationale: string;
  severity: Severity;
  appliesTo: readonly TargetKind[];
  /**
   * `source`: the rule reads the template as written (placeholders, file kinds, metadata).
   * `applied`: the rule reads what `devcontainer templates apply` produces, and runs once with the default
   * options and once per proposal or enum value of each option. Features have no variants: both run once.
   */
  scope: 'source' | 'applied';
  messages: Record<MessageIds, string>;
}

export interface Report<MessageIds extends string> {
  messageId: MessageIds;
  data?: MessageData;
  /** The file the problem is in; the target's folder when it is about a missing file. */
  file: SourceFile | { displayPath: string };
  position?: Position;
}

export interface RuleContext<MessageIds extends string> {
  report(report: Report<MessageIds>): void;
}

export interface Rule<MessageIds extends string = string> {
  id: string;
  meta: RuleMeta<MessageIds>;
  check(target: LoadedTarget, context: RuleContext<MessageIds>): void;
}

/** Identity function that keeps a rule's message ids typed (as ESLint's `createRule`). */
export function defineRule<MessageIds extends string>(rule: Rule<MessageIds>): Rule<MessageIds> {
  return rule;
}

export function isTemplate(target: LoadedTarget): target is LoadedTemplate {
  return target.kind === 'template';
}
