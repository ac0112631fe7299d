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
  /** `spec`: the Dev Containers spec and what the CLI and Docker really do; `shared-base`: our convention. */
  group: RuleGroup;
  appliesTo: readonly TargetKind[];
  /**
   * `source`: the rule reads the template as written (placeholders, file kinds, metadata).
   * `applied`: the rule reads what `devcontainer templates apply` produces, and runs once with the default
   * options and once per proposal or enum value of each option. Features have no variants: both run once.
   */
  scope: 'source' | 'applied';
  /**
   * For an `applied` rule that reads only the Dockerfile: the instructions whose text it reads. A variant
   * that changes none of them (an option used only in a CMD, say) cannot change what the rule finds, so the
   * rule is not run on it again. Declare every keyword the rule and its helpers read; leave it out when in
   * doubt (the rule then runs on every variant). test/unit/variant-reads.test.ts compares both ways.
   */
  dockerfileReads?: readonly string[];
  /**
   * For an `applied` rule: the applied configuration it reads besides the Dockerfile's instructions named in
   * `dockerfileReads` (none when that is left out): devcontainer.json, the compose model. A rule that
   * declares either field is run again on a variant only when something it reads differs from the
   * defaults' (a variant that changes only the app's port in the Dockerfile leaves a devcontainer.json-only
   * rule's findings as they were). `devcontainer.NAME` narrows devcontainer.json to one top-level property
   * (its value and where it is written): a variant that changes only `containerEnv` does not run a rule that
   * reads `build` again. Leave both out when in doubt.
   */
  configReads?: readonly ConfigRead[];
  messages: Record<MessageIds, string>;
}

/**
 * Rules come in two groups. The spec group is always on: an error there is a file the spec, the Dev
 * Containers CLI or Docker will not treat as the author meant. The shared-base group is stagepack's own
 * convention (one `base` stage that a `development` dev container and an `app` production image both build
 * on, and the Python practices of our pack); a collection that does not follow it turns the group off with
 * `"lint": {"groups": {"shared-base": "off"}}` in stagepack.json.
 */
export const RULE_GROUPS = {
  spec: 'the Dev Containers spec, and what the Dev Containers CLI and Docker really do',
  'shared-base': "stagepack's shared-base convention (one base stage for the dev container and the production image)",
} as const;
export type RuleGroup = keyof typeof RULE_GROUPS;

/** How a shared-base diagnostic introduces itself, so nobody mistakes our convention for the spec. */
export const SHARED_BASE_PREFIX = "stagepack's shared-base convention: ";

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

/** What an applied rule reads of the configuration: devcontainer.json whole or one of its top-level properties, the compose model. */
export type ConfigRead = 'devcontainer' | `devcontainer.${string}` | 'compose';

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
