import { compareDiagnostics, formatMessage, type Diagnostic, type MessageData, type Position } from '../diagnostics';
import { appliedTemplate, loadTarget, type JsoncFile, placeholderNamesIn, resolveComposeFiles, templateOptions, type AppliedFile, type LoadedTarget, type LoadedTemplate, type TargetRef } from '../pack';
import { findPlaceholders, optionVariants } from '../template-options';
import { dockerfilePlaceholders } from '../dockerfile';
import { hasShapeOf } from '../jsonc';
import { NOT_APPLIED } from './applied-files';
import * as os from 'node:os';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { ConfigError, configFor, type LintConfig } from './config';
import { isTemplate, SHARED_BASE_PREFIX, type Rule } from './rule';
import { rules as allRules } from './rules';
import suppressionComments from './rules/suppression-comments';
import { parseSuppressions, type Suppression } from './suppressions';

/**
 * Runs the rules on targets:
 * 1. `source` rules on each template or feature as written;
 * 2. for a template, `applied` rules on what `devcontainer templates apply` writes with the default options,
 *    then with each proposal or enum value of each option, one at a time. A diagnostic found only under a
 *    variant names it (`With port="8080": ...`); positions in substituted files are mapped back to the
 *    template's own text, so the caret lands where the author edits;
 * 3. inline suppressions, then the severities of the nearest stagepack.json (a rule may be "off").
 */
export function lintTargets(targets: readonly TargetRef[], rules: readonly Rule[] = allRules): Diagnostic[] {
  return lintShare(targets, new Int32Array(new SharedArrayBuffer(4)), rules).sort(compareDiagnostics);
}

export function lintLoaded(target: LoadedTarget, rules: readonly Rule[] = allRules, config: LintConfig = { rules: {} }): Diagnostic[] {
  const applicable = rules.filter((r) => r.meta.appliesTo.includes(target.kind) && config.rules[r.id] !== 'off' && !config.groupsOff?.includes(r.meta.group));
  const found: Diagnostic[] = [];
  const source = isTemplate(target) ? applicable.filter((r) => r.meta.scope === 'source') : applicable;
  for (const rule of source) runRule(rule, target, found);
  if (isTemplate(target)) found.push(...lintVariants(target, applicable.filter((r) => r.meta.scope === 'applied')));
  return applyPolicy(target, found, rules, config);
}

function lintVariants(template: LoadedTemplate, rules: readonly Rule[]): Diagnostic[] {
  if (!rules.length) return [];
  const result: Diagnostic[] = [];
  const seen = new Set<string>();
  // Options that a rule can see the value of. A variant of any other option (one used only in a test
  // script, a README or a Dockerfile comment) applies to exactly the defaults' files and needs no second look.
  const used = optionsRulesSee(template);
  const devcontainerProperties = devcontainerPropertiesByOption(template.devcontainer);
  let defaults: LoadedTemplate | undefined;
  let defaultsCompose: string | undefined;
  for (const variant of optionVariants(templateOptions(template))) {
    if (variantSkipping && defaults && variant.option !== undefined && !used.has(variant.option)) continue;
    // Every variant but the first differs from the defaults in one option: build it from the defaults.
    const base = defaults && variant.option !== undefined ? { applied: defaults, option: variant.option } : undefined;
    const { template: applied, mapped } = appliedTemplate(template, variant.values, NOT_APPLIED, base);
    defaults ??= applied;
    // The compose model is substituted too (no text in `mapped`): its services are part of what rules read.
    const compose = applied.compose ? JSON.stringify(applied.compose.model.services) : '';
    defaultsCompose ??= compose;
    const found: Diagnostic[] = [];
    const changed = variant.option === undefined || !variantSkipping ? undefined : {
      keywords: changedKeywords(applied, defaults),
      devcontainer: changedProperties(template.devcontainer, applied.devcontainer, defaults.devcontainer, variant.option, devcontainerProperties),
      compose: compose !== defaultsCompose,
    };
    for (const rule of rules) {
      // A rule that declares what it reads, all of which this variant left as the defaults' (the very same
      // instructions, the same devcontainer.json text, the same compose model), finds what it found there.
      if (changed && !readsChanged(rule, changed)) continue;
      runRule(rule, applied, found, mapped);
    }
    for (const d of found) {
      const key = `${d.ruleId}\u0000${d.messageId}\u0000${d.file}\u0000${d.line}\u0000${d.column}`;
      if (seen.has(key)) continue;
      seen.add(key);
      if (variant.option === undefined) result.push(d);
      else {
        const label = `${variant.option}=${JSON.stringify(variant.value)}`;
        result.push({ ...d, message: `With ${label}: ${d.message}`, variant: label });
      }
    }
  }
  return result;
}

/**
 * The options whose placeholders are in what applied rules read: devcontainer.json (or .devcontainer.json),
 * the compose files it names and the Dockerfile's instructions (comments are not in the model), as the
 * template is written. Another Dockerfile or compose file can only come into play through a value used in
 * devcontainer.json, which is in the set.
 */
function optionsRulesSee(template: LoadedTemplate): ReadonlySet<string> {
  const names = new Set<string>();
  const files = [template.devcontainer, ...resolveComposeFiles(template).map((c) => template.files.find((f) => f.relPath === c.relPath))];
  for (const file of files) if (file) for (const name of placeholderNamesIn(file)) names.add(name);
  if (template.dockerfile) for (const name of dockerfilePlaceholders(template.dockerfile.model)) names.add(name);
  return names;
}

/** Whether a variant changed anything the rule declares it reads; true for a rule that declares nothing. */
function readsChanged(rule: Rule, changed: { keywords: ReadonlySet<string>; devcontainer: ReadonlySet<string> | 'all'; compose: boolean }): boolean {
  const { dockerfileReads, configReads } = rule.meta;
  if (!dockerfileReads && !configReads) return true;
  if (dockerfileReads?.some((k) => changed.keywords.has(k))) return true;
  return Boolean(
    configReads?.some((read) => {
      if (read === 'compose') return changed.compose;
      if (changed.devcontainer === 'all') return true;
      return read === 'devcontainer' ? changed.devcontainer.size > 0 : changed.devcontainer.has(read.slice('devcontainer.'.length));
    }),
  );
}

/**
 * For each option, the top-level properties of the template's devcontainer.json whose text uses it: what a
 * variant of that option changes there (a placeholder in a comment between properties changes none).
 * Undefined when the file has syntax errors (a variant then counts as changing all of it).
 */
function devcontainerPropertiesByOption(file: JsoncFile | undefined): Map<string, Set<string>> | undefined {
  const tree = file?.doc.tree;
  if (!file || !tree || tree.type !== 'object' || file.doc.errors.length) return undefined;
  const byOption = new Map<string, Set<string>>();
  const properties = tree.children ?? [];
  for (const use of findPlaceholders(file.text)) {
    const property = properties.find((p) => use.offset >= p.offset && use.offset < p.offset + p.length);
    const keyNode = property?.children?.[0];
    if (!keyNode || typeof keyNode.value !== 'string') continue;
    const keys = byOption.get(use.name) ?? new Set<string>();
    // In a top-level property's name, the option names the property: it may become any of them.
    keys.add(use.offset < keyNode.offset + keyNode.length ? ANY_PROPERTY : keyNode.value);
    byOption.set(use.name, keys);
  }
  return byOption;
}

/**
 * The top-level properties of devcontainer.json that a variant of `option` changed. 'all' unless both the
 * variant's document and the defaults' have the template's own shape (made by substituting into its strings
 * and comments, see substitutedJsonc): a value with a quote can close its string and add a property.
 */
function changedProperties(template: JsoncFile | undefined, variant: JsoncFile | undefined, defaults: JsoncFile | undefined, option: string, byOption: Map<string, Set<string>> | undefined): ReadonlySet<string> | 'all' {
  if (variant === defaults) return NONE;
  if (!template || !variant || !defaults || !byOption || variant.relPath !== defaults.relPath) return 'all';
  if (!hasShapeOf(variant.doc, template.doc) || !hasShapeOf(defaults.doc, template.doc)) return 'all';
  const keys = byOption.get(option) ?? NONE;
  return keys.has(ANY_PROPERTY) ? 'all' : keys;
}

const NONE: ReadonlySet<string> = new Set();
/** Marks an option used in a top-level property's name (no rule declares a property by this name). */
const ANY_PROPERTY = '\u0000any';

/** Off only in tests that compare skipping with running every rule on every variant. */
let variantSkipping = true;
export function setVariantSkipping(on: boolean): void {
  variantSkipping = on;
}

/**
 * The keywords of the instructions in which a variant's Dockerfile differs from the defaults' (untouched
 * instructions are the very same objects, see substituteDockerfile); every keyword when it is another file
 * or was parsed again.
 */
function changedKeywords(variant: LoadedTemplate, defaults: LoadedTemplate): ReadonlySet<string> {
  const own = variant.dockerfile;
  const shared = defaults.dockerfile;
  if (!own || !shared || own.file.relPath !== shared.file.relPath || own.model.instructions.length !== shared.model.instructions.length) {
    return new Set([...(own?.model.instructions ?? []), ...(shared?.model.instructions ?? [])].map((i) => i.keyword));
  }
  const changed = new Set<string>();
  own.model.instructions.forEach((i, index) => {
    if (i !== shared.model.instructions[index]) changed.add(i.keyword);
  });
  return changed;
}

function runRule(rule: Rule, target: LoadedTarget, out: Diagnostic[], mapped?: ReadonlyMap<string, AppliedFile>): void {
  rule.check(target, {
    report({ messageId, data, file, position }) {
      const appliedFile = 'relPath' in file ? mapped?.get(file.relPath) : undefined;
      const where = position && appliedFile ? appliedFile.toSourcePosition(position) : position;
      out.push(diagnostic(rule, messageId, data, file.displayPath, where));
    },
  });
}

function diagnostic(rule: Rule, messageId: string, data: MessageData | undefined, file: string, position: Position | undefined): Diagnostic {
  return {
    ruleId: rule.id,
    severity: rule.meta.severity,
    messageId,
    message: (rule.meta.group === 'shared-base' ? SHARED_BASE_PREFIX : '') + formatMessage(rule.meta.messages[messageId], data),
    file,
    ...(position ? { line: position.line, column: position.column } : {}),
  };
}

/** Inline suppressions and configured severities, applied once after every rule ran (as publint does). */
function applyPolicy(target: LoadedTarget, found: Diagnostic[], rules: readonly Rule[], config: LintConfig): Diagnostic[] {
  const suppressions: Suppression[] = target.files.flatMap(parseSuppressions);
  const known = new Set(allRules.map((r) => r.id));
  const kept = found.filter((d) => {
    const match = suppressions.find((s) => s.file.displayPath === d.file && d.line !== undefined && d.line >= s.from && d.line <= s.to && s.ruleIds.includes(d.ruleId));
    if (match) match.used = true;
    return !match;
  });
  const reportsSuppressions = rules.includes(suppressionComments) && config.rules[suppressionComments.id] !== 'off';
  if (reportsSuppressions) {
    for (const s of suppressions) {
      const ids = s.ruleIds.join(', ') || '(no rule)';
      if (!s.reason) kept.push(diagnostic(suppressionComments, 'missingReason', { ids }, s.file.displayPath, s.position));
      for (const id of s.ruleIds.filter((i) => !known.has(i))) kept.push(diagnostic(suppressionComments, 'unknownRule', { id }, s.file.displayPath, s.position));
      // Only judged "unused" when every rule it names ran: a rule turned off or not run suppresses nothing.
      const allRan = s.ruleIds.every((id) => rules.some((r) => r.id === id && !config.groupsOff?.includes(r.meta.group)) && config.rules[id] !== 'off');
      if (!s.used && allRan && s.ruleIds.length) kept.push(diagnostic(suppressionComments, 'unused', { ids, line: s.from }, s.file.displayPath, s.position));
    }
  }
  return kept.map((d) => {
    const setting = config.rules[d.ruleId];
    return setting && setting !== 'off' ? { ...d, severity: setting } : d;
  });
}

/** Below this many targets, starting workers costs more than it saves. */
const PARALLEL_THRESHOLD = 48;

/** What a worker is given: every target, and the shared counter that hands them out one at a time. */
interface WorkerInput {
  stagepackLint: { targets: readonly TargetRef[]; next: SharedArrayBuffer };
}

/**
 * lintTargets spread over worker threads (one per two cores, at most four) for large sets of targets, such as
 * an organisation's whole collection. The targets are handed out one at a time through a shared counter
 * (Atomics), to the main thread as well as to the workers: a worker that is still loading its modules takes
 * none, and a thread that finishes early takes the next, so no thread idles while another has a backlog.
 */
export async function lintTargetsParallel(targets: readonly TargetRef[], workers = lintThreads(targets.length)): Promise<Diagnostic[]> {
  if (workers <= 1) return lintTargets(targets);
  const next = new SharedArrayBuffer(4);
  const counter = new Int32Array(next);
  const input: WorkerInput = { stagepackLint: { targets, next } };
  const results = await Promise.all([
    ...Array.from(
      { length: workers - 1 },
      () =>
        new Promise<Diagnostic[]>((resolve, reject) => {
          const worker = new Worker(__filename, { workerData: input });
          worker.once('message', (message: { diagnostics?: Diagnostic[]; configError?: string; fix?: string; error?: string }) => {
            if (message.configError !== undefined) reject(new ConfigError(message.configError, message.fix));
            else if (message.error !== undefined) reject(new Error(message.error));
            else resolve(message.diagnostics ?? []);
          });
          worker.once('error', reject);
          // A worker that ends without its results (its script did not lint) fails the run instead of hanging it.
          worker.once('exit', (code) => reject(new Error(`a lint worker thread stopped (exit code ${code}) without sending its results`)));
        }),
    ),
    // After the workers were started; a ConfigError here rejects like one from a worker.
    new Promise<Diagnostic[]>((resolve, reject) =>
      setImmediate(() => {
        try {
          resolve(lintShare(targets, counter));
        } catch (error) {
          reject(error);
        }
      }),
    ),
  ]);
  return results.flat().sort(compareDiagnostics);
}

/**
 * Threads for lintTargetsParallel: one per two cores, as V8's garbage collector runs beside each thread on
 * threads of its own. On these 2-core machines a worker made 1,000 templates slower, not faster (2.1-2.4 s
 * against 1.8-2.1 s), so there it is one.
 */
function lintThreads(targets: number): number {
  return Math.min(4, Math.floor(os.availableParallelism() / 2), Math.ceil(targets / PARALLEL_THRESHOLD));
}

/** Lints the targets this thread takes from the shared counter until none are left (the counter is the only state threads share). */
function lintShare(targets: readonly TargetRef[], counter: Int32Array, rules: readonly Rule[] = allRules): Diagnostic[] {
  const known = new Set(allRules.map((r) => r.id));
  const lookups = new Map<string, string | undefined>();
  const diagnostics: Diagnostic[] = [];
  try {
    for (let i = Atomics.add(counter, 0, 1); i < targets.length; i = Atomics.add(counter, 0, 1)) {
      const ref = targets[i];
      diagnostics.push(...lintLoaded(loadTarget(ref), rules, configFor(ref.absDir, known, lookups)));
    }
  } catch (error) {
    // The run fails: the other threads take nothing more.
    Atomics.store(counter, 0, targets.length);
    throw error;
  }
  return diagnostics;
}

const input = isMainThread ? undefined : (workerData as Partial<WorkerInput> | undefined)?.stagepackLint;
if (parentPort && input) {
  try {
    parentPort.postMessage({ diagnostics: lintShare(input.targets, new Int32Array(input.next)) });
  } catch (error) {
    parentPort.postMessage(error instanceof ConfigError ? { configError: error.message, fix: error.fix } : { error: error instanceof Error ? error.message : String(error) });
  }
}
