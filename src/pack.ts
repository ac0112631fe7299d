import * as fs from 'node:fs';
import * as path from 'node:path';
import type { JSONPath } from 'jsonc-parser';
import { parseCompose, substituteCompose, type ComposeModel, type ComposeService } from './compose-file';
import { parseDockerfile, substituteDockerfile, type DockerfileModel } from './dockerfile';
import { getPath, isRecord, parseJsonc, setOwn, substitutedJsonc, type JsoncDocument } from './jsonc';
import { TextCache } from './text-cache';
import { LineIndex } from './text-position';
import { applyOptions, applyOptionsMapped, defaultOptionValues, findPlaceholders, type TemplateOptionSpec } from './template-options';
import type { Position } from './diagnostics';

/**
 * Finding templates and features on disk and loading them into the read-only models that lint rules and the
 * test runner share. Loading never throws on bad content: a file that cannot be read or parsed is recorded
 * (and becomes a diagnostic), so one broken template never hides the others.
 */

export const TEMPLATE_METADATA = 'devcontainer-template.json';
export const FEATURE_METADATA = 'devcontainer-feature.json';
/** Text files larger than this are not read (and are reported by lint): templates are small. */
export const MAX_TEXT_FILE_BYTES = 1024 * 1024;

export type TargetKind = 'template' | 'feature';

export interface TargetRef {
  kind: TargetKind;
  /** Folder name, which the spec requires to equal the id. */
  folderName: string;
  /** The folder as the user would write it (relative to the working directory when possible). */
  displayDir: string;
  absDir: string;
}

export interface SourceFile {
  /** Path for messages: the user's view of the file. */
  displayPath: string;
  absPath: string;
  /** Path inside the template or feature, with forward slashes. */
  relPath: string;
  text: string;
  lines: LineIndex;
  /** What the bytes held besides text: a byte order mark, or bytes that are not UTF-8 (decoded as U+FFFD). */
  encoding?: { bom?: boolean; invalidUtf8Offset?: number };
}

export interface JsoncFile extends SourceFile {
  doc: JsoncDocument;
}

export interface SkippedFile {
  displayPath: string;
  relPath: string;
  reason: 'symlink' | 'binary' | 'too-large' | 'unreadable' | 'special';
  detail?: string;
}

export interface LoadedTarget extends TargetRef {
  metadata?: JsoncFile;
  /** Every readable text file of the folder, metadata included. */
  files: SourceFile[];
  skipped: SkippedFile[];
}

export interface LoadedTemplate extends LoadedTarget {
  kind: 'template';
  devcontainer?: JsoncFile;
  /** For a compose-based dev container: the compose file holding the dev container's service. */
  compose?: { file: SourceFile; model: ComposeModel; service?: ComposeService };
  /** Set when devcontainer.json names a Dockerfile that exists (or the root Dockerfile is there). */
  dockerfile?: { file: SourceFile; model: DockerfileModel };
}

export type DiscoveryResult =
  | { ok: true; targets: TargetRef[]; /** Folders of a collection that hold no metadata and look like neither: not read. */ ignored: string[] }
  | { ok: false; message: string; fix?: string };

/**
 * Where a pack keeps its templates and features. Two layouts are read, detected from what is on disk:
 * - `stagepack`: `templates/<id>/` and `features/<id>/`, with feature tests in `test/<id>/` (this repository);
 * - `src`: `src/<id>/` holding templates or features (each folder's metadata file says which), with tests in
 *   `test/<id>/`: the layout of devcontainers/templates, devcontainers/features and template-starter, the
 *   most common one in the ecosystem.
 * A `src/` folder itself (a "collection folder", what `devcontainer templates publish` takes) is read as the
 * `src` layout of its parent.
 */
export interface PackLayout {
  style: 'stagepack' | 'src';
  root: string;
  /** Folders whose sub-folders are templates or features; `kind` unset: each sub-folder's metadata decides. */
  collections: { dir: string; kind?: TargetKind }[];
  /** Where `test/<feature id>/` folders live. */
  testsDir: string;
}

export function packLayout(dir: string): PackLayout | undefined {
  const own = ([['templates', 'template'], ['features', 'feature']] as const).map(([sub, kind]) => ({ dir: path.join(dir, sub), kind }));
  const src = path.join(dir, 'src');
  const ownCollections = own.filter((c) => isCollection(c.dir));
  // Both may exist: devcontainers-extra/features keeps 449 features in src/ and code generators in
  // templates/, whose folders hold no metadata. Every folder that holds templates or features is read.
  if (ownCollections.length || isCollection(src)) {
    const collections = [...ownCollections, ...(isCollection(src) ? [{ dir: src }] : [])];
    return { style: ownCollections.length ? 'stagepack' : 'src', root: dir, collections, testsDir: path.join(dir, 'test') };
  }
  // templates/ or features/ with nothing recognisable in them yet: ours, half-written (metadata-required says so).
  const present = own.filter((c) => isDirectory(c.dir));
  if (present.length) return { style: 'stagepack', root: dir, collections: present, testsDir: path.join(dir, 'test') };
  if (isCollection(dir)) return { style: 'src', root: path.dirname(dir), collections: [{ dir }], testsDir: path.join(path.dirname(dir), 'test') };
  return undefined;
}

/** A folder with at least one sub-folder holding a template or feature metadata file. */
function isCollection(dir: string): boolean {
  return subfolders(dir).some((name) => classify(path.join(dir, name)) !== undefined);
}

function subfolders(dir: string): string[] {
  try {
    return fs
      .readdirSync(dir, { withFileTypes: true })
      .filter((e) => e.isDirectory() && !e.name.startsWith('.'))
      .map((e) => e.name)
      .sort(byCodeUnit);
  } catch {
    return [];
  }
}

/** The templates and features of a layout, in folder order. */
export function layoutTargets(layout: PackLayout, cwd: string, ignored: string[] = []): TargetRef[] {
  const found: TargetRef[] = [];
  for (const collection of layout.collections) {
    const names = subfolders(collection.dir);
    // Each folder's metadata says what it is (a feature kept under templates/ is a feature).
    const kinds = names.map((name) => classify(path.join(collection.dir, name)));
    const only = new Set(kinds.filter((k) => k !== undefined));
    const fallback = collection.kind ?? (only.size === 1 ? [...only][0] : undefined);
    names.forEach((name, i) => {
      const dir = path.join(collection.dir, name);
      // A folder without metadata is loaded when it looks like a template or feature being written, so
      // metadata-required can say what is missing; anything else (a generator, notes) is not one.
      const kind = kinds[i] ?? (fallback && looksLike(dir, fallback) ? fallback : undefined);
      if (kind) found.push(ref(kind, dir, cwd));
      else ignored.push(ref('template', dir, cwd).displayDir);
    });
  }
  return found;
}

function looksLike(dir: string, kind: TargetKind): boolean {
  const has = (name: string) => fs.existsSync(path.join(dir, name));
  return kind === 'template' ? has('.devcontainer') || has('.devcontainer.json') || has('Dockerfile') : has('install.sh');
}

const LAYOUT_FIX = 'give a pack root (templates/<id>/ and features/<id>/, or src/<id>/ as in devcontainers/templates), a collection folder (src/), or one template or feature folder';

/**
 * Resolves command-line paths into templates and features. A path is a pack root of either layout, a
 * collection folder, a template folder or a feature folder. The same folder given twice is linted once.
 */
export function discoverTargets(inputs: readonly string[], cwd: string): DiscoveryResult {
  const targets: TargetRef[] = [];
  const ignored: string[] = [];
  const seen = new Set<string>();
  const add = (t: TargetRef) => {
    if (seen.has(t.absDir)) return;
    seen.add(t.absDir);
    targets.push(t);
  };
  for (const input of inputs.length ? inputs : ['.']) {
    const absDir = path.resolve(cwd, input);
    let stat: fs.Stats;
    try {
      stat = fs.statSync(absDir);
    } catch {
      return { ok: false, message: `${input}: no such file or directory`, fix: LAYOUT_FIX };
    }
    if (!stat.isDirectory()) return { ok: false, message: `${input}: not a folder`, fix: LAYOUT_FIX };
    const own = classify(absDir);
    if (own) {
      add(ref(own, absDir, cwd));
      continue;
    }
    const layout = packLayout(absDir);
    if (!layout) {
      return {
        ok: false,
        message: `${input}: not a pack root (no templates/, features/ or src/<id>/ with a ${TEMPLATE_METADATA} or ${FEATURE_METADATA}), nor a template or feature folder`,
        fix: LAYOUT_FIX,
      };
    }
    const found = layoutTargets(layout, cwd, ignored);
    if (!found.length) {
      const where = layout.collections.map((c) => `${path.relative(cwd, c.dir) || '.'}/`).join(' and ');
      return { ok: false, message: `${where} ${layout.collections.length > 1 ? 'have' : 'has'} no template or feature folder`, fix: `add one (a folder with ${TEMPLATE_METADATA} or ${FEATURE_METADATA}), or point at another pack` };
    }
    found.forEach(add);
  }
  return { ok: true, targets, ignored };
}

function classify(dir: string): TargetKind | undefined {
  if (fs.existsSync(path.join(dir, TEMPLATE_METADATA))) return 'template';
  if (fs.existsSync(path.join(dir, FEATURE_METADATA))) return 'feature';
  return undefined;
}

function ref(kind: TargetKind, absDir: string, cwd: string): TargetRef {
  const relative = path.relative(cwd, absDir);
  const displayDir = relative && !relative.startsWith('..') && !path.isAbsolute(relative) ? relative : absDir;
  return { kind, folderName: path.basename(absDir), displayDir, absDir };
}

export function isDirectory(p: string): boolean {
  try {
    return fs.statSync(p).isDirectory();
  } catch {
    return false;
  }
}

/** Reads every file of a template or feature folder without following links. */
export function loadTarget(target: TargetRef): LoadedTarget | LoadedTemplate {
  const files: SourceFile[] = [];
  const skipped: SkippedFile[] = [];
  walk(target, '', files, skipped);
  return buildModel(target, files, skipped);
}

/** The model rules see, from files already read (the template's own, or their applied texts). */
export function buildModel(
  target: TargetRef,
  files: SourceFile[],
  skipped: SkippedFile[],
  dockerfileModel: (file: SourceFile) => DockerfileModel = (file) => cachedDockerfile(file.text),
  composeModel: (file: SourceFile) => ComposeModel = (file) => cachedCompose(file.text),
): LoadedTarget | LoadedTemplate {
  const byRel = new Map(files.map((f) => [f.relPath, f]));
  const metadataName = target.kind === 'template' ? TEMPLATE_METADATA : FEATURE_METADATA;
  const metadata = asJsonc(byRel.get(metadataName));
  if (target.kind === 'feature') return { ...target, metadata, files, skipped };

  const devcontainer = asJsonc(byRel.get('.devcontainer/devcontainer.json') ?? byRel.get('.devcontainer.json'));
  const template: LoadedTemplate = { ...target, kind: 'template', metadata, files, skipped, devcontainer };
  let dockerfilePath = resolveBuildPaths(template)?.dockerfile.relPath ?? 'Dockerfile';
  const composeFiles = resolveComposeFiles(template).map((c) => (c.relPath !== undefined ? byRel.get(c.relPath) : undefined)).filter((f): f is SourceFile => f !== undefined);
  const serviceName = getPath(devcontainer?.doc.value, ['service']);
  for (const file of composeFiles) {
    const model = composeModel(file);
    const service = model.services.find((s) => s.name === serviceName);
    if (!template.compose || service) template.compose = { file, model, service };
    if (service?.build) {
      const fromCompose = path.relative(target.absDir, path.resolve(path.dirname(file.absPath), service.build.context, service.build.dockerfile));
      if (!fromCompose.startsWith('..')) dockerfilePath = fromCompose.split(path.sep).join('/');
    }
  }
  const dockerfile = byRel.get(dockerfilePath);
  if (dockerfile) template.dockerfile = { file: dockerfile, model: dockerfileModel(dockerfile) };
  return template;
}

/**
 * Parsed Dockerfiles by text: a variant parsed from its applied text can come back to a text already read
 * (two options whose values give the same file), and a pack or a test lints the same files again.
 */
const dockerfileCache = new TextCache(parseDockerfile, 2_000_000);

function cachedDockerfile(text: string): DockerfileModel {
  return dockerfileCache.get(text);
}

/** An applied file: its text after substitution, and how to find a position of it in the template's file. */
export interface AppliedFile extends SourceFile {
  toSourcePosition(position: Position): Position;
}

export interface AppliedTemplate {
  template: LoadedTemplate;
  /** Only the files whose text changed, by relPath. */
  mapped: Map<string, AppliedFile>;
}

/**
 * The template as `devcontainer templates apply` would write it with these option values: every applied file
 * substituted (metadata, README.md and NOTES.md are not applied and stay as they are).
 */
export function appliedTemplate(
  template: LoadedTemplate,
  values: Readonly<Record<string, string>>,
  notApplied: ReadonlySet<string>,
  /** The template applied with values that differ from these in `option` only (see substituteDockerfile). */
  base?: { applied: LoadedTemplate; option: string },
): AppliedTemplate {
  const mapped = new Map<string, AppliedFile>();
  // Applied rules read devcontainer.json, compose files and the Dockerfile; devcontainer.json is substituted
  // here, the compose files' and the Dockerfile's models below; the rest is for source rules and stays as written.
  const read = new Set([template.devcontainer?.relPath]);
  const files = template.files.map((file, index): SourceFile => {
    if (notApplied.has(file.relPath) || !read.has(file.relPath)) return file;
    // A file that does not use the option this variant changes is the defaults' applied file, the very
    // object: its parse, positions and line index are not made again.
    const prior = base?.applied.files[index];
    if (prior && prior.relPath === file.relPath && !placeholderNamesIn(file).has(base.option)) {
      if ('toSourcePosition' in prior) mapped.set(file.relPath, prior as AppliedFile);
      return prior;
    }
    const applied = applyOptionsMapped(file.text, values);
    if (!applied.changed) return file;
    // (A LineIndex finds its line starts only when a rule asks for a position in this file.)
    const appliedFile: AppliedFile = {
      ...file,
      text: applied.text,
      lines: new LineIndex(applied.text),
      toSourcePosition(position) {
        return file.lines.positionAt(applied.toSource(this.lines.offsetAt(position)));
      },
    };
    mapped.set(file.relPath, appliedFile);
    // devcontainer.json's document from the template's own, values put into its strings (no second parse).
    const own = template.devcontainer;
    const doc = substitution && own?.relPath === file.relPath ? substitutedJsonc(own.doc, applied.text, applied.edits, appliedFile.lines) : undefined;
    if (doc) jsoncByFile.set(appliedFile, { ...appliedFile, doc });
    return appliedFile;
  });
  // The Dockerfile is not parsed again: option values are substituted into the parsed model, whose
  // positions are the template file's own, so that file needs no mapping back.
  const raw = template.dockerfile;
  const parseApplied = <T>(file: SourceFile, parse: (text: string) => T): T => {
    // A value changed the file's structure (or it is not the template's own): parse the applied text, and
    // map its positions back.
    const applied = applyOptionsMapped(file.text, values);
    const lines = new LineIndex(applied.text);
    if (applied.changed) mapped.set(file.relPath, { ...file, text: applied.text, lines, toSourcePosition: (p) => file.lines.positionAt(applied.toSource(lines.offsetAt(p))) });
    return parse(applied.text);
  };
  const composeModel = (file: SourceFile): ComposeModel => (substitution ? substituteCompose(cachedCompose(file.text), values, placeholderNamesIn(file)) : undefined) ?? parseApplied(file, cachedCompose);
  const model = buildModel(template, files, template.skipped, (file) => {
    const baseModel = base?.applied.dockerfile?.file.relPath === file.relPath ? base.applied.dockerfile.model : undefined;
    const substituted = substitution && raw && raw.file.relPath === file.relPath ? substituteDockerfile(raw.model, values, baseModel && base ? { model: baseModel, option: base.option } : undefined) : undefined;
    return substituted ?? parseApplied(file, cachedDockerfile);
  }, composeModel);
  return { template: model as LoadedTemplate, mapped };
}

/**
 * Off only in tests: every applied devcontainer.json, compose file and Dockerfile is then parsed from its
 * applied text, the ground truth that substituting values into the template's parsed files must equal.
 */
let substitution = true;
export function setSubstitution(on: boolean): void {
  substitution = on;
}

/** The option names a file's placeholders use, remembered per file object. */
const placeholderNamesMemo = new WeakMap<SourceFile, ReadonlySet<string>>();

export function placeholderNamesIn(file: SourceFile): ReadonlySet<string> {
  let names = placeholderNamesMemo.get(file);
  if (!names) {
    names = new Set(findPlaceholders(file.text).map((p) => p.name));
    placeholderNamesMemo.set(file, names);
  }
  return names;
}

/**
 * Names in the order of their UTF-16 code units: the same on every machine whatever its locale, and free to
 * set up (the first localeCompare or Intl.Collator of a process loads ICU's collation data, about 12 ms,
 * 4% of linting the whole pack).
 */
function byCodeUnit(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function walk(target: TargetRef, rel: string, files: SourceFile[], skipped: SkippedFile[]): void {
  const dir = path.join(target.absDir, rel);
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch (error) {
    skipped.push({ displayPath: path.join(target.displayDir, rel), relPath: rel, reason: 'unreadable', detail: errorText(error) });
    return;
  }
  for (const entry of entries.sort((a, b) => byCodeUnit(a.name, b.name))) {
    const relPath = rel ? `${rel}/${entry.name}` : entry.name;
    const displayPath = path.join(target.displayDir, relPath);
    const absPath = path.join(target.absDir, relPath);
    if (entry.isSymbolicLink()) {
      let detail: string | undefined;
      try {
        detail = fs.readlinkSync(absPath);
      } catch {
        detail = undefined;
      }
      skipped.push({ displayPath, relPath, reason: 'symlink', detail });
    } else if (entry.isDirectory()) {
      walk(target, relPath, files, skipped);
    } else if (!entry.isFile()) {
      skipped.push({ displayPath, relPath, reason: 'special' });
    } else {
      const file = readText(absPath, displayPath, relPath);
      if ('reason' in file) skipped.push(file);
      else files.push(file);
    }
  }
}

/** Reads one text file safely (no FIFO blocks, size checked before reading); used for stagepack.json too. */
export function readText(absPath: string, displayPath: string, relPath: string): SourceFile | SkippedFile {
  let fd: number | undefined;
  try {
    // O_NONBLOCK: a FIFO swapped in after the directory was listed must not block the open; fstat of the
    // open file then says what it is, and its size is checked before a byte is read (a 1.5 GB file is not).
    fd = fs.openSync(absPath, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
    const stat = fs.fstatSync(fd);
    if (!stat.isFile()) return { displayPath, relPath, reason: 'special' };
    if (stat.size > MAX_TEXT_FILE_BYTES) return { displayPath, relPath, reason: 'too-large', detail: `${stat.size} bytes` };
    // Every byte up to `read` is written before it is used (the rest is cut off below).
    const buffer = Buffer.allocUnsafe(stat.size);
    let read = 0;
    while (read < stat.size) {
      const n = fs.readSync(fd, buffer, read, stat.size - read, read);
      if (n === 0) break;
      read += n;
    }
    const bytes = buffer.subarray(0, read);
    if (bytes.includes(0)) return { displayPath, relPath, reason: 'binary' };
    const text = bytes.toString('utf8');
    const encoding = encodingOf(bytes, text);
    return { displayPath, absPath, relPath, text, lines: new LineIndex(text), ...(encoding ? { encoding } : {}) };
  } catch (error) {
    return { displayPath, relPath, reason: 'unreadable', detail: errorText(error) };
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

function encodingOf(bytes: Buffer, text: string): SourceFile['encoding'] {
  const bom = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf;
  let invalidUtf8Offset: number | undefined;
  // Node decodes bad bytes as U+FFFD; only a text holding one can have had them (a real U+FFFD is rare).
  if (text.includes('\ufffd')) {
    try {
      strictUtf8.decode(bytes);
    } catch {
      invalidUtf8Offset = text.indexOf('\ufffd');
    }
  }
  return bom || invalidUtf8Offset !== undefined ? { ...(bom ? { bom } : {}), ...(invalidUtf8Offset !== undefined ? { invalidUtf8Offset } : {}) } : undefined;
}

/** Parsed JSONC by text: option variants leave metadata and most devcontainer.json files unchanged. */
const jsoncCache = new TextCache(parseJsonc, 1_000_000);

/** By file object: option variants share the very objects of the files they leave unchanged (metadata, mostly). */
const jsoncByFile = new WeakMap<SourceFile, JsoncFile>();

function asJsonc(file: SourceFile | undefined): JsoncFile | undefined {
  if (!file) return undefined;
  const known = jsoncByFile.get(file);
  if (known) return known;
  const parsed = asJsoncByText(file);
  jsoncByFile.set(file, parsed);
  return parsed;
}

function asJsoncByText(file: SourceFile): JsoncFile {
  return { ...file, doc: jsoncCache.get(file.text) };
}

const composeCache = new TextCache(parseCompose, 1_000_000);

function cachedCompose(text: string): ComposeModel {
  return composeCache.get(text);
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** The declared options of a template, or {} when the metadata is missing or malformed. */
export function templateOptions(template: LoadedTarget): Record<string, TemplateOptionSpec> {
  const options = getPath(template.metadata?.doc.value, ['options']);
  if (!isRecord(options)) return {};
  const result: Record<string, TemplateOptionSpec> = {};
  // setOwn: an option may be called "__proto__".
  for (const [name, spec] of Object.entries(options)) if (isRecord(spec)) setOwn(result, name, spec);
  return result;
}

/** The compose files devcontainer.json names (`dockerComposeFile`, a string or a list), resolved like build paths. */
export function resolveComposeFiles(template: LoadedTemplate): ResolvedBuildPath[] {
  const config = template.devcontainer;
  const value = getPath(config?.doc.value, ['dockerComposeFile']);
  if (!config || value === undefined) return [];
  const written = Array.isArray(value) ? value : [value];
  return written.filter((w): w is string => typeof w === 'string').map((w, i) => resolveInTemplate(template, config.absPath, w, Array.isArray(value) ? ['dockerComposeFile', i] : ['dockerComposeFile']));
}

/** Option defaults by metadata document: paths are resolved several times per variant. */
const defaultsCache = new WeakMap<object, Record<string, string>>();

function defaultsOf(template: LoadedTarget): Record<string, string> {
  const key = template.metadata?.doc;
  if (!key) return {};
  let defaults = defaultsCache.get(key);
  if (!defaults) {
    defaults = defaultOptionValues(templateOptions(template));
    defaultsCache.set(key, defaults);
  }
  return defaults;
}

function resolveInTemplate(template: LoadedTemplate, configPath: string, written: string, jsonPath: JSONPath): ResolvedBuildPath {
  const defaults = defaultsOf(template);
  // Option variants resolve the same paths again from a devcontainer.json parsed again: remembered by what
  // the result depends on (the folder, the file, the text and the defaults' object).
  const key = `${template.absDir}\u0000${configPath}\u0000${written}`;
  let known = resolvedMemo.get(key);
  if (!known || known.defaults !== defaults) {
    const absPath = path.resolve(path.dirname(configPath), applyOptions(written, defaults));
    const rel = path.relative(template.absDir, absPath);
    const inside = rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
    known = { defaults, relPath: inside ? rel.split(path.sep).join('/') : undefined, absPath };
    if (resolvedMemo.size > 2000) resolvedMemo.clear();
    resolvedMemo.set(key, known);
  }
  return { written, relPath: known.relPath, absPath: known.absPath, jsonPath };
}

const resolvedMemo = new Map<string, { defaults: object; relPath: string | undefined; absPath: string }>();

/**
 * What a path inside a template is, from the files already read (no second look at the disk): build paths
 * are checked once per option variant.
 */
export function pathKind(template: LoadedTarget, relPath: string): 'file' | 'folder' | undefined {
  if (relPath === '') return 'folder';
  if (template.files.some((f) => f.relPath === relPath) || template.skipped.some((s) => s.relPath === relPath)) return 'file';
  const prefix = `${relPath}/`;
  return template.files.some((f) => f.relPath.startsWith(prefix)) || template.skipped.some((s) => s.relPath.startsWith(prefix)) ? 'folder' : undefined;
}

export interface ResolvedBuildPath {
  /** As written in devcontainer.json. */
  written: string;
  /** Inside the template, forward slashes; undefined when it leaves the template folder. */
  relPath: string | undefined;
  absPath: string;
  /** Where it is written in devcontainer.json (array items by number, as jsonc-parser wants them). */
  jsonPath: JSONPath;
}

/**
 * Where devcontainer.json's `build.dockerfile` and `build.context` point. Both are relative to the folder
 * holding devcontainer.json (spec: "relative to devcontainer.json"); context defaults to that folder.
 * Placeholders are substituted with the option defaults first, as a user would get them.
 */
export function resolveBuildPaths(template: LoadedTemplate): { dockerfile: ResolvedBuildPath; context: ResolvedBuildPath } | undefined {
  const config = template.devcontainer;
  if (!config) return undefined;
  // The same devcontainer.json document (shared by option variants that leave it unchanged) in the same
  // folder with the same defaults resolves the same way: rules ask for it once per variant each.
  const key = `${template.absDir}\u0000${config.absPath}`;
  const byKey = buildPathsMemo.get(config.doc) ?? new Map<string, { defaults: object; result: ReturnType<typeof resolveBuildPathsUncached> }>();
  buildPathsMemo.set(config.doc, byKey);
  const defaults = defaultsOf(template);
  const memo = byKey.get(key);
  if (memo && memo.defaults === defaults) return memo.result;
  const result = resolveBuildPathsUncached(template, config);
  byKey.set(key, { defaults, result });
  return result;
}

const buildPathsMemo = new WeakMap<JsoncDocument, Map<string, { defaults: object; result: ReturnType<typeof resolveBuildPathsUncached> }>>();

function resolveBuildPathsUncached(template: LoadedTemplate, config: JsoncFile): { dockerfile: ResolvedBuildPath; context: ResolvedBuildPath } | undefined {
  const build = getPath(config.doc.value, ['build']);
  const dockerfile = getPath(build, ['dockerfile']);
  if (typeof dockerfile !== 'string') return undefined;
  const context = getPath(build, ['context']);
  const resolve = (written: string, jsonPath: JSONPath) => resolveInTemplate(template, config.absPath, written, jsonPath);
  return {
    dockerfile: resolve(dockerfile, ['build', 'dockerfile']),
    context: resolve(typeof context === 'string' ? context : '.', ['build', 'context']),
  };
}
