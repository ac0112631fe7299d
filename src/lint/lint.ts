import { compareDiagnostics, formatMessage, type Diagnostic, type MessageData, type Position } from '../diagnostics';
import { appliedTemplate, loadTarget, templateOptions, type AppliedFile, type LoadedTarget, type LoadedTemplate, type TargetRef } from '../pack';
import { optionVariants } from '../template-options';
import type { Instruction } from '../dockerfile';
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
  const seenTexts = new Set<string>();
  let defaults: LoadedTemplate | undefined;
  let defaultsCompose: string | undefined;
  for (const variant of optionVariants(templateOptions(template))) {
    // Every variant but the first differs from the defaults in one option: build it from the defaults.
    const base = defaults && variant.option !== undefined ? { applied: defaults, option: variant.option } : undefined;
    const { template: applied, mapped } = appliedTemplate(template, variant.values, NOT_APPLIED, base);
    defaults ??= applied;
    // Variants that change nothing the rules read (only a test script, say) need no second look.
    // The compose model is substituted too (no text in `mapped`): its services are part of what rules read.
    const compose = applied.compose ? JSON.stringify(applied.compose.model.services) : '';
    defaultsCompose ??= compose;
    const fingerprint = [...mapped.values()].map((f) => f.text).join('\u0000') + compose + substitutedDockerfile(applied, defaults);
    if (seenTexts.has(fingerprint)) continue;
    seenTexts.add(fingerprint);
    const found: Diagnostic[] = [];
    const changed = variant.option === undefined || !variantSkipping ? undefined : {
      keywords: changedKeywords(applied, defaults),
      devcontainer: applied.devcontainer?.relPath !== defaults.devcontainer?.relPath || applied.devcontainer?.text !== defaults.devcontainer?.text,
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

/** Whether a variant changed anything the rule declares it reads; true for a rule that declares nothing. */
function readsChanged(rule: Rule, changed: { keywords: ReadonlySet<string>; devcontainer: boolean; compose: boolean }): boolean {
  const { dockerfileReads, configReads } = rule.meta;
  if (!dockerfileReads && !configReads) return true;
  return Boolean(dockerfileReads?.some((k) => changed.keywords.has(k)) || (configReads?.includes('devcontainer') && changed.devcontainer) || (configReads?.includes('compose') && changed.compose));
}

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

/**
 * The substituted Dockerfile is not in `mapped` (it keeps source positions); fingerprint its arguments. Only
 * the instructions that differ from the defaults' (the same objects when a variant did not touch them), so a
 * variant costs what it changed.
 */
function substitutedDockerfile(template: LoadedTemplate, defaults: LoadedTemplate): string {
  const own = template.dockerfile?.model.instructions ?? [];
  const shared = defaults.dockerfile?.model.instructions ?? [];
  if (template === defaults || own.length !== shared.length) return whole(own);
  const changed = own.flatMap((i, index) => (i === shared[index] || instructionText(i) === instructionText(shared[index]) ? [] : [`${index}:${instructionText(i)}`]));
  // Unchanged: the defaults' own fingerprint, so the variant is recognised as theirs and skipped.
  return changed.length ? changed.join('\n') : whole(shared);
}

/** The fingerprint of a whole Dockerfile, once per list of instructions (the defaults' is asked for by every variant). */
const wholeMemo = new WeakMap<readonly Instruction[], string>();

function whole(instructions: readonly Instruction[]): string {
  let text = wholeMemo.get(instructions);
  if (text === undefined) {
    text = instructions.map(instructionText).join('\n');
    wholeMemo.set(instructions, text);
  }
  return text;
}

/** What rules read of an instruction: its arguments, and its flags and properties (`COPY --from=x` differs in the flag only). */
function instructionText(i: Instruction): string {
  return `${i.args}\u0001${i.flags.map((f) => `${f.name}=${f.value}`).join('\u0002')}\u0001${i.properties.map((p) => `${p.name}=${p.value ?? ''}`).join('\u0002')}`;
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
