import * as path from 'node:path';
import type { TargetRef } from '../pack';
import type { OptionVariant } from '../template-options';
import { runLabel } from './steps';

/**
 * The run matrix of `stagepack test`: every template with its defaults and with each other proposal of each
 * option (one at a time), every feature's own tests, and every feature applied with the pack's first
 * template. It is a pure list, so that it can be printed (`--list`), sliced for CI jobs (`--shard K/N`),
 * narrowed to what a change touched (`--changed`) or to named entries (`--only`), and run by a pool.
 */

export type MatrixEntry =
  | { kind: 'template'; label: string; template: TargetRef; variant: OptionVariant }
  /** `devcontainer features test` on the feature's own tests. */
  | { kind: 'feature'; label: string; feature: TargetRef }
  /** The feature as users meet it: applied with a template of the pack (`templates apply --features`). */
  | { kind: 'feature-with-template'; label: string; template: TargetRef; feature: TargetRef }
  /** A project that already holds an applied template (`stagepack test DIR`): tested as it is, nothing applied. */
  | { kind: 'project'; label: string; project: TargetRef; options: Record<string, string> };

export interface MatrixInput {
  templates: readonly TargetRef[];
  features: readonly TargetRef[];
  /** The template each feature is applied with: the first of `templates`, else the pack's first. */
  featureHost?: TargetRef;
  variantsOf: (template: TargetRef) => readonly OptionVariant[];
  defaultsOnly: boolean;
  /** Projects with an applied template, each with the option values it was applied with (if recorded). */
  projects?: readonly { project: TargetRef; options: Record<string, string> }[];
}

export function testMatrix(input: MatrixInput): MatrixEntry[] {
  const entries: MatrixEntry[] = [];
  for (const template of input.templates) {
    const variants = input.variantsOf(template);
    for (const variant of input.defaultsOnly ? variants.slice(0, 1) : variants) {
      const label = runLabel({ template: template.folderName, variant: variant.option && `${variant.option}=${variant.value ?? ''}` });
      entries.push({ kind: 'template', label, template, variant });
    }
  }
  for (const { project, options } of input.projects ?? []) entries.push({ kind: 'project', label: project.folderName, project, options });
  for (const feature of input.features) {
    entries.push({ kind: 'feature', label: feature.folderName, feature });
    const host = input.featureHost;
    if (host) entries.push({ kind: 'feature-with-template', label: runLabel({ template: host.folderName, variant: `+${feature.folderName}` }), template: host, feature });
  }
  return entries;
}

/** What `stagepack test --list` prints: a table of text, or JSON for scripts (a CI job matrix). */
export const LIST_FORMATS = ['text', 'json'] as const;
export type ListFormat = (typeof LIST_FORMATS)[number];

/** `K/N`: the K-th of N slices, 1 <= K <= N. */
export interface Shard {
  index: number;
  count: number;
}

export function parseShard(text: string): Shard | undefined {
  const match = /^(\d{1,4})\/(\d{1,4})$/.exec(text.trim());
  if (!match) return undefined;
  const index = Number(match[1]);
  const count = Number(match[2]);
  return index >= 1 && count >= 1 && index <= count ? { index, count } : undefined;
}

/**
 * The K-th of N slices: entries are dealt round-robin in matrix order (entry i goes to slice i mod N + 1),
 * so every entry lands in exactly one slice and the slow variants of one template spread over the jobs.
 */
export function shardOf<T>(entries: readonly T[], shard: Shard): T[] {
  return entries.filter((_, i) => i % shard.count === shard.index - 1);
}

/** The entries named by `--only` (their labels, as `--list` prints them); unknown labels are returned too. */
export function selectByLabel(entries: readonly MatrixEntry[], labels: readonly string[]): { selected: MatrixEntry[]; unknown: string[] } {
  const wanted = new Set(labels);
  const known = new Set(entries.map((e) => e.label));
  return { selected: entries.filter((e) => wanted.has(e.label)), unknown: labels.filter((l) => !known.has(l)) };
}

/** Where a matrix entry's inputs live, for `--changed`: its folders, as absolute paths. */
export interface EntryInputs {
  /** The template's folder, and the sample app it is applied onto. */
  templateDirs: (template: TargetRef) => string[];
  /** The feature's folder and its tests (test/<id>/). */
  featureDirs: (feature: TargetRef) => string[];
}

/**
 * The entries a change touches: a template's variants when a file of the template (or of its sample app)
 * changed; a feature's own tests and its run with the host template when a file of the feature or of its
 * tests changed; the feature's run with the host template also when the host template changed (the pair is
 * what users get). `changedFiles` are absolute paths.
 */
export function entriesTouchedBy(entries: readonly MatrixEntry[], changedFiles: readonly string[], inputs: EntryInputs): MatrixEntry[] {
  const touches = (dirs: readonly string[]) => changedFiles.some((file) => dirs.some((dir) => isInside(file, dir)));
  const templateChanged = new Map<string, boolean>();
  const featureChanged = new Map<string, boolean>();
  const template = (t: TargetRef) => {
    if (!templateChanged.has(t.absDir)) templateChanged.set(t.absDir, touches(inputs.templateDirs(t)));
    return templateChanged.get(t.absDir) ?? false;
  };
  const feature = (f: TargetRef) => {
    if (!featureChanged.has(f.absDir)) featureChanged.set(f.absDir, touches(inputs.featureDirs(f)));
    return featureChanged.get(f.absDir) ?? false;
  };
  return entries.filter((entry) => {
    if (entry.kind === 'template') return template(entry.template);
    if (entry.kind === 'project') return touches([entry.project.absDir]);
    if (entry.kind === 'feature') return feature(entry.feature);
    return feature(entry.feature) || template(entry.template);
  });
}

function isInside(file: string, dir: string): boolean {
  const relative = path.relative(dir, file);
  return relative === '' || (!relative.startsWith('..') && !path.isAbsolute(relative));
}

/** One line of `stagepack test --list --format json`: what the entry is and the arguments that run it alone. */
export interface ListedEntry {
  label: string;
  kind: MatrixEntry['kind'];
  template?: string;
  feature?: string;
  /** The project folder, for a `project` entry. */
  project?: string;
  option?: string;
  value?: string;
  /** `stagepack` arguments that run this entry and nothing else. */
  args: string[];
}

export function listed(entry: MatrixEntry, positional: readonly string[] = [], extraArgs: readonly string[] = []): ListedEntry {
  // The templates the matrix was made from (they decide which template hosts the features), then the entry.
  const args = ['test', ...positional, '--only', entry.label, ...extraArgs];
  if (entry.kind === 'template') {
    return { label: entry.label, kind: entry.kind, template: entry.template.folderName, ...(entry.variant.option !== undefined ? { option: entry.variant.option, value: entry.variant.value ?? '' } : {}), args };
  }
  if (entry.kind === 'feature') return { label: entry.label, kind: entry.kind, feature: entry.feature.folderName, args };
  if (entry.kind === 'project') return { label: entry.label, kind: entry.kind, project: entry.project.displayDir, args };
  return { label: entry.label, kind: entry.kind, template: entry.template.folderName, feature: entry.feature.folderName, args };
}
