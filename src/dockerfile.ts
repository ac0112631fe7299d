import type { Position } from './diagnostics';
import { DIRECTIVE, FLAG_KEYWORDS, parseInstructions } from './dockerfile-parser';
import { own, setOwn } from './jsonc';
import { applyOptions, findPlaceholders, PLACEHOLDER_PREFIX } from './template-options';
import { LineIndex } from './text-position';

/**
 * A Dockerfile as our rules and the test runner read it: plain instructions (keyword, arguments, flags,
 * ARG/ENV properties, all with 1-based positions in the file) grouped into the stage graph.
 *
 * src/dockerfile-parser.ts reads the text once, in one linear pass; everything after that works on this small
 * model. A template's option variants are made by substituting values into the
 * model's strings (`substituteDockerfile`), which keeps the positions of the template's own file and costs
 * no second parse: lint checks a dozen variants of every template.
 */

export interface Flag {
  /** `mount`, `from`, `chown`, `interval`... */
  name: string;
  value: string;
  /** `--mount=type=cache,target=/x` -> { type: 'cache', target: '/x' }. */
  options: Record<string, string>;
  position: Position;
}

export interface Property {
  /** ARG and ENV: `NAME=value` (value undefined for a bare `ARG NAME`). */
  name: string;
  value?: string;
  position: Position;
}

export interface Instruction {
  keyword: string;
  /** The arguments without flags, continuation lines joined as written. */
  args: string;
  /** The arguments as one line: comment lines dropped, continuations and whitespace runs collapsed. */
  command: string;
  flags: Flag[];
  properties: Property[];
  position: Position;
  endLine: number;
  /** FROM only: where `AS name` writes the name. */
  stageNamePosition?: Position;
}

export interface Stage {
  /** Position in the file, 0-based, in FROM order. */
  index: number;
  /** `AS name`, lower-cased as BuildKit compares stage names; undefined for an unnamed stage. */
  name?: string;
  /** The FROM argument as written (`python:${PYTHON_VERSION}-slim`, `base`). */
  from: string;
  /** The earlier stage this one is built FROM, when the FROM names one. */
  parent?: number;
  fromPosition: Position;
  /** Where the stage name is written (or the FROM, when unnamed). */
  namePosition: Position;
  /** The FROM instruction first, then the stage's own instructions. */
  instructions: Instruction[];
}

export interface DockerfileModel {
  /** Every instruction, including ARGs before the first FROM. */
  instructions: Instruction[];
  stages: Stage[];
}

export function parseDockerfile(text: string): DockerfileModel {
  const model = withStages(
    parseInstructions(text).map((raw): Instruction => ({
      keyword: raw.keyword,
      args: raw.args,
      command: oneLine(raw.args),
      flags: raw.flags.map((f) => ({ ...f, options: flagOptions(f.value) })),
      properties: raw.properties,
      position: raw.position,
      endLine: raw.endLine,
      ...(raw.stageNamePosition ? { stageNamePosition: raw.stageNamePosition } : {}),
    })),
  );
  if (text.includes(PLACEHOLDER_PREFIX)) {
    const names = structuralPlaceholders(text, model);
    if (names.size) structural.set(model, names);
  }
  return model;
}

/**
 * Options whose value decides how the Dockerfile is read, not only what a string says. A variant of such an
 * option is parsed from its applied text. Their placeholders are:
 * - first on a line, after whitespace only (the value may make the line a comment, an empty continuation
 *   line or a here-document's end);
 * - on a line with `<<` (the value may be a here-document's delimiter);
 * - anywhere in an instruction whose keyword has one (the value may make another keyword and arguments);
 * - at the start of the arguments of an instruction with flags (a value starting with `--` would be one);
 * - written with whitespace inside (the parser may split the placeholder between two words);
 * - in the parser directives at the top or the line after them (the value may make or unmake a directive
 *   such as `# escape=`).
 * (An empty value, which could leave an escape last on its line, is parsed anyway: see substituteDockerfile.)
 * By template model (parseDockerfile's).
 */
const structural = new WeakMap<DockerfileModel, ReadonlySet<string>>();

function structuralPlaceholders(text: string, model: DockerfileModel): Set<string> {
  const names = new Set<string>();
  // The directives at the top and the line after them, as an offset: placeholders before it are structural.
  let header = 0;
  for (let at = 0; ; ) {
    const end = text.indexOf('\n', at);
    header = end < 0 ? text.length : end + 1;
    if (end < 0 || !DIRECTIVE.test(text.slice(at, end).replace(/\r$/, ''))) break;
    at = header;
  }
  // Instructions whose keyword a value writes, by line (1-based); rare, so lines are counted only then.
  const keywordRanges = model.instructions.filter((i) => i.keyword.includes('$')).map((i) => [i.position.line, i.endLine]);
  const lines = new LineIndex(text);
  const inKeywordInstruction = (offset: number) => {
    if (!keywordRanges.length) return false;
    const line = lines.positionAt(offset).line;
    return keywordRanges.some(([from, to]) => line >= from && line <= to);
  };
  // The start of the arguments, where flags are: a value starting with `--` there would be read as one (only
  // dashes and placeholders before it, as in `${templateOption:x}` or `-${templateOption:x}`).
  for (const instruction of model.instructions) {
    if (!FLAG_KEYWORDS.has(instruction.keyword)) continue;
    const args = instruction.args.trimStart();
    let end = 0;
    for (const use of findPlaceholders(args)) {
      if (!/^-*$/.test(args.slice(end, use.offset))) break;
      names.add(use.name);
      end = use.offset + use.length;
    }
  }
  for (const use of findPlaceholders(text)) {
    // Whitespace inside the placeholder (`${templateOption: port }`): the parser may split it between a flag
    // and the arguments, or between two words.
    if (/\s/.test(text.slice(use.offset, use.offset + use.length))) names.add(use.name);
    const lineStart = text.lastIndexOf('\n', use.offset - 1) + 1;
    const lineEnd = text.indexOf('\n', use.offset);
    const before = text.slice(lineStart, use.offset);
    const after = text.slice(use.offset + use.length, lineEnd < 0 ? text.length : lineEnd);
    if (before.trim() === '' || `${before}${after}`.includes('<<') || use.offset < header || inKeywordInstruction(use.offset)) names.add(use.name);
  }
  return names;
}

function oneLine(args: string): string {
  // One physical line (most instructions: continuations are joined without their line breaks).
  if (!args.includes('\n')) {
    if (/^\s*#/.test(args)) return '';
    // (`m`: a carriage return or line separator inside the line ends a line for `$`, as below.)
    const single = args.replace(/\\\s*$/gm, ' ');
    return (/\s\s|[^\S ]/.test(single) ? single.replace(/\s+/g, ' ') : single).trim();
  }
  return args
    .split('\n')
    .filter((line) => !/^\s*#/.test(line))
    .join(' ')
    .replace(/\\\s*$/gm, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

function flagOptions(value: string): Record<string, string> {
  const options: Record<string, string> = {};
  if (!value.includes('=')) return options;
  for (const part of value.split(',')) {
    const eq = part.indexOf('=');
    if (eq < 0) setOwn(options, part.trim(), '');
    else setOwn(options, part.slice(0, eq).trim(), part.slice(eq + 1).trim());
  }
  return options;
}

/** Groups instructions into stages and links each stage to the earlier stage it is built FROM. */
function withStages(instructions: Instruction[]): DockerfileModel {
  const stages: Stage[] = [];
  for (const instruction of instructions) {
    if (instruction.keyword === 'FROM') {
      const words = instruction.args.trim().split(/\s+/).filter(Boolean);
      const asIndex = words.findIndex((w) => w.toLowerCase() === 'as');
      const from = words[0] ?? '';
      const name = asIndex > 0 ? words[asIndex + 1]?.toLowerCase() : undefined;
      // A stage reference has no tag, digest or registry; `FROM python:3.11 AS python` is an image.
      const parent = /[:@/]/.test(from) ? undefined : stages.find((s) => s.name === from.toLowerCase());
      stages.push({
        index: stages.length,
        name,
        from,
        parent: parent?.index,
        fromPosition: instruction.position,
        namePosition: instruction.stageNamePosition ?? instruction.position,
        instructions: [instruction],
      });
    } else if (stages.length) {
      stages[stages.length - 1].instructions.push(instruction);
    }
  }
  return { instructions, stages };
}

/**
 * The model with option values substituted the way `devcontainer templates apply` does, positions kept.
 * Returns undefined when a value could change the structure (a line break, or a stage name or FROM built
 * from a placeholder): the caller then parses the substituted text instead.
 */
export function substituteDockerfile(
  model: DockerfileModel,
  values: Readonly<Record<string, string>>,
  /**
   * The same model already substituted with values that differ from these in `option` alone (a template's
   * defaults, when lint checks one option's other values): instructions that do not use that option are
   * taken from it, so a variant costs what its option touches, not the whole Dockerfile again.
   */
  base?: { model: DockerfileModel; option: string },
): DockerfileModel | undefined {
  // Only a base this function made from the same model keeps its positions in the template's own file (a
  // base parsed from applied text has the applied text's, which only that parse's mapping puts right).
  const reuse = base && (base.model === model || madeFrom.get(base.model) === model) && base.model.instructions.length === model.instructions.length ? base : undefined;
  const readBy = structural.get(model);
  if (readBy && (reuse ? readBy.has(reuse.option) : readBy.size)) return undefined;
  const sites = placeholderSites(model);
  // A value the parser would read differently from the placeholder it replaces must be parsed in the applied
  // text (a base made here had none: only the option varied from it can bring one). Anywhere: a line break or
  // backslash (continuations), `<<` (a here-document), whitespace at either end (arguments are trimmed). In
  // an ARG or ENV property: whitespace, quotes, `=`; in a flag: whitespace, `,` and `=`.
  const risky = (name: string) => {
    const value = own(values, name) ?? '';
    // An empty value can leave whitespace at either end of the arguments (the parser trims them) or empty a
    // property's name or value (ENV's `key value` form).
    if (value === '' || /[\n\r\\]|<<|^\s|\s$/.test(value)) return true;
    const kinds = sites.kinds.get(name);
    return Boolean((kinds?.has('property') && /[\s"'=]/.test(value)) || (kinds?.has('flag') && /[\s,=]/.test(value)));
  };
  // Instructions without a placeholder are shared with the template's model (or the base's), not copied.
  const touched = reuse ? sites.byOption.get(reuse.option) ?? [] : sites.indices;
  const from = reuse ? reuse.model : model;
  if (!touched.length) return from;
  if (reuse ? risky(reuse.option) : [...sites.byOption.keys()].some(risky)) return undefined;
  const made = (result: DockerfileModel | undefined) => {
    if (result) madeFrom.set(result, model);
    return result;
  };
  const instructions = from.instructions.slice();
  // Most strings hold no placeholder; skip the regular expression for them.
  const sub = (text: string) => (text.includes(PLACEHOLDER_PREFIX) ? applyOptions(text, values) : text);
  for (const index of touched) {
    const i = model.instructions[index];
    const args = sub(i.args);
    instructions[index] = {
      ...i,
      args,
      // Made from the arguments as the parser makes it (a value's whitespace is collapsed there too), or,
      // when that cannot differ, by substituting into the template's own one-line command.
      command: args === i.args ? i.command : plainValues(sites.oneLineArgs.get(index), values) ? applyOptions(i.command, values) : oneLine(args),
      // A flag or property without a placeholder is the template's own object.
      flags: i.flags.map((f) => (f.value.includes(PLACEHOLDER_PREFIX) ? { ...f, value: sub(f.value), options: Object.fromEntries(Object.entries(f.options).map(([k, v]) => [k, sub(v)])) } : f)),
      properties: i.properties.map((p) => (p.name.includes(PLACEHOLDER_PREFIX) || p.value?.includes(PLACEHOLDER_PREFIX) ? { ...p, name: sub(p.name), value: p.value === undefined ? undefined : sub(p.value) } : p)),
    };
  }
  if (touched.every((index) => model.instructions[index].keyword !== 'FROM')) return made(restaged(from, instructions));
  const substituted = withStages(instructions);
  const sameShape = substituted.stages.length === model.stages.length && substituted.stages.every((s, i) => s.name === model.stages[i].name && s.parent === model.stages[i].parent);
  return made(sameShape ? substituted : undefined);
}

/**
 * Whether oneLine(applyOptions(args)) is applyOptions(oneLine(args)), given the options in args when args
 * are on one line (no line terminator, so oneLine drops no comment line and joins nothing): every
 * placeholder's value non-empty without whitespace, `#` or a backslash (so it neither starts a comment, nor
 * ends a continuation, nor changes which whitespace is collapsed or trimmed). Then a substituted command
 * costs a substitution, not a rescan.
 */
function plainValues(names: readonly string[] | undefined, values: Readonly<Record<string, string>>): boolean {
  return (
    names !== undefined &&
    names.every((name) => {
      const value = own(values, name);
      return typeof value === 'string' && value !== '' && !/[\s#\\]/.test(value);
    })
  );
}

/** The template model each substituted model was made from. */
const madeFrom = new WeakMap<DockerfileModel, DockerfileModel>();

/**
 * The stages of `model` over new instructions that replace some of its own but no FROM: the stage graph is
 * the same, only the instruction lists that hold a replaced instruction are made again.
 */
function restaged(model: DockerfileModel, instructions: Instruction[]): DockerfileModel {
  let start = model.instructions.length;
  for (const stage of model.stages) start -= stage.instructions.length;
  const stages = model.stages.map((stage) => {
    const end = start + stage.instructions.length;
    let same = true;
    for (let k = start; k < end && same; k++) same = instructions[k] === model.instructions[k];
    const own = same ? stage : { ...stage, instructions: instructions.slice(start, end) };
    start = end;
    return own;
  });
  return { instructions, stages };
}

/** Where a model's placeholders are: the instructions that hold one, those by option name, and in what part. */
interface PlaceholderSites {
  indices: number[];
  byOption: Map<string, number[]>;
  kinds: Map<string, Set<'args' | 'property' | 'flag'>>;
  /** By instruction index: the options in its arguments when they are on one line (see plainValues), else undefined. */
  oneLineArgs: Map<number, string[] | undefined>;
}

const sitesMemo = new WeakMap<DockerfileModel, PlaceholderSites>();

function placeholderSites(model: DockerfileModel): PlaceholderSites {
  let sites = sitesMemo.get(model);
  if (!sites) {
    const made: PlaceholderSites = { indices: [], byOption: new Map(), kinds: new Map(), oneLineArgs: new Map() };
    for (const [index, i] of model.instructions.entries()) {
      const parts: ['args' | 'property' | 'flag', string][] = [['args', i.args], ...i.flags.map((f): ['flag', string] => ['flag', f.value]), ...i.properties.flatMap((p): ['property', string][] => [['property', p.name], ['property', p.value ?? '']])];
      if (!parts.some(([, t]) => t.includes(PLACEHOLDER_PREFIX))) continue;
      made.indices.push(index);
      made.oneLineArgs.set(index, /[\n\r\u2028\u2029]/.test(i.args) ? undefined : findPlaceholders(i.args).map((use) => use.name));
      // `command` is `args` on one line: the same placeholders.
      const names = new Set<string>();
      for (const [kind, text] of parts) {
        for (const use of findPlaceholders(text)) {
          names.add(use.name);
          const kinds = made.kinds.get(use.name) ?? new Set();
          kinds.add(kind);
          made.kinds.set(use.name, kinds);
        }
      }
      for (const name of names) {
        const list = made.byOption.get(name) ?? [];
        list.push(index);
        made.byOption.set(name, list);
      }
    }
    sites = made;
    sitesMemo.set(model, sites);
  }
  return sites;
}

/** The option names a Dockerfile's instructions use (its comments are not instructions). */
export function dockerfilePlaceholders(model: DockerfileModel): Iterable<string> {
  return new Set([...placeholderSites(model).byOption.keys(), ...(structural.get(model) ?? [])]);
}

export function findStage(model: DockerfileModel, name: string): Stage | undefined {
  const wanted = name.toLowerCase();
  return model.stages.find((s) => s.name === wanted);
}

/** The chain from a stage up to its root image: [stage, parent, grandparent, ...]. */
export function ancestry(model: DockerfileModel, stage: Stage): Stage[] {
  const chain: Stage[] = [];
  const seen = new Set<number>();
  let cursor: Stage | undefined = stage;
  while (cursor && !seen.has(cursor.index)) {
    chain.push(cursor);
    seen.add(cursor.index);
    cursor = cursor.parent === undefined ? undefined : model.stages[cursor.parent];
  }
  return chain;
}

export function descendsFrom(model: DockerfileModel, stage: Stage, ancestorName: string): boolean {
  const wanted = ancestorName.toLowerCase();
  return ancestry(model, stage).some((s) => s.name === wanted);
}

/** The `app` stage and its ancestors, root first: every instruction that shapes the production image. */
export function appChain(model: DockerfileModel): Stage[] | undefined {
  const app = findStage(model, 'app');
  return app ? ancestry(model, app).reverse() : undefined;
}

/** ARG instructions before the first FROM: the only ones FROM lines can use. */
export function initialArgs(model: DockerfileModel): Property[] {
  const args: Property[] = [];
  for (const instruction of model.instructions) {
    if (instruction.keyword === 'FROM') break;
    if (instruction.keyword === 'ARG') args.push(...instruction.properties);
  }
  return args;
}

/**
 * Each stage that starts from an image (not from another stage), with the ARG defaults declared before the
 * first FROM expanded (`ARG PYTHON_VERSION=3.11` + `FROM python:${PYTHON_VERSION}-slim`), build args first,
 * as BuildKit resolves them. A variable with no value is left as written.
 */
export function expandedFrom(model: DockerfileModel, buildArgs: Readonly<Record<string, string>> = {}): { stage: Stage; image: string }[] {
  const globals: Record<string, string> = {};
  for (const arg of initialArgs(model)) setOwn(globals, arg.name, own(buildArgs, arg.name) ?? arg.value ?? '');
  return model.stages
    .filter((stage) => stage.parent === undefined)
    .map((stage) => ({
      stage,
      image: stage.from.replace(/\$\{(\w+)(?::-([^}]*))?}|\$(\w+)/g, (whole, braced?: string, fallback?: string, bare?: string) => {
        const value = own(globals, braced ?? bare ?? '');
        return value !== undefined && value !== '' ? value : fallback ?? whole;
      }),
    }));
}

/** The external images a Dockerfile starts from (scratch left out): what must exist before a build. */
export function externalBaseImages(model: DockerfileModel, buildArgs: Readonly<Record<string, string>> = {}): string[] {
  const images = expandedFrom(model, buildArgs).map((e) => e.image).filter((image) => image && image.toLowerCase() !== 'scratch');
  return [...new Set(images)];
}
