import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseDockerfile, type DockerfileModel } from './dockerfile';
import { getPath, isRecord, parseJsonc, type JsoncDocument } from './jsonc';
import { LineIndex } from './text-position';
import { applyOptions, defaultOptionValues, type TemplateOptionSpec } from './template-options';

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
  /** Set when devcontainer.json names a Dockerfile that exists (or the root Dockerfile is there). */
  dockerfile?: { file: SourceFile; model: DockerfileModel };
}

export type DiscoveryResult =
  | { ok: true; targets: TargetRef[] }
  | { ok: false; message: string };

/**
 * Resolves command-line paths into templates and features. A path is a pack root (holding `templates/`
 * and/or `features/`), a template folder or a feature folder.
 */
export function discoverTargets(inputs: readonly string[], cwd: string): DiscoveryResult {
  const targets: TargetRef[] = [];
  for (const input of inputs.length ? inputs : ['.']) {
    const absDir = path.resolve(cwd, input);
    let stat: fs.Stats;
    try {
      stat = fs.statSync(absDir);
    } catch {
      return { ok: false, message: `${input}: no such file or directory` };
    }
    if (!stat.isDirectory()) return { ok: false, message: `${input}: not a folder (give a pack root, a template folder or a feature folder)` };
    const own = classify(absDir);
    if (own) {
      targets.push(ref(own, absDir, cwd));
      continue;
    }
    const found: TargetRef[] = [];
    for (const [sub, kind] of [['templates', 'template'], ['features', 'feature']] as const) {
      const root = path.join(absDir, sub);
      if (!isDirectory(root)) continue;
      for (const entry of fs.readdirSync(root, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
        if (!entry.isDirectory() || entry.name.startsWith('.')) continue;
        // A folder under templates/ without metadata is still a template the author meant to write:
        // load it so `metadata-required` can say what is missing.
        found.push(ref(kind, path.join(root, entry.name), cwd));
      }
    }
    if (!found.length && !isDirectory(path.join(absDir, 'templates')) && !isDirectory(path.join(absDir, 'features'))) {
      return {
        ok: false,
        message: `${input}: not a pack root (no templates/ or features/), nor a template (${TEMPLATE_METADATA}) or feature (${FEATURE_METADATA}) folder`,
      };
    }
    targets.push(...found);
  }
  return { ok: true, targets };
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

function isDirectory(p: string): boolean {
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
  const byRel = new Map(files.map((f) => [f.relPath, f]));
  const metadataName = target.kind === 'template' ? TEMPLATE_METADATA : FEATURE_METADATA;
  const metadata = asJsonc(byRel.get(metadataName));
  if (target.kind === 'feature') return { ...target, metadata, files, skipped };

  const devcontainer = asJsonc(byRel.get('.devcontainer/devcontainer.json') ?? byRel.get('.devcontainer.json'));
  const template: LoadedTemplate = { ...target, kind: 'template', metadata, files, skipped, devcontainer };
  const dockerfilePath = resolveBuildPaths(template)?.dockerfile.relPath ?? 'Dockerfile';
  const dockerfile = byRel.get(dockerfilePath);
  if (dockerfile) template.dockerfile = { file: dockerfile, model: parseDockerfile(dockerfile.text) };
  return template;
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
  for (const entry of entries.sort((a, b) => a.name.localeCompare(b.name))) {
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

function readText(absPath: string, displayPath: string, relPath: string): SourceFile | SkippedFile {
  try {
    const size = fs.statSync(absPath).size;
    if (size > MAX_TEXT_FILE_BYTES) return { displayPath, relPath, reason: 'too-large', detail: `${size} bytes` };
    const buffer = fs.readFileSync(absPath);
    if (buffer.includes(0)) return { displayPath, relPath, reason: 'binary' };
    const text = buffer.toString('utf8');
    return { displayPath, absPath, relPath, text, lines: new LineIndex(text) };
  } catch (error) {
    return { displayPath, relPath, reason: 'unreadable', detail: errorText(error) };
  }
}

function asJsonc(file: SourceFile | undefined): JsoncFile | undefined {
  return file ? { ...file, doc: parseJsonc(file.text) } : undefined;
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** The declared options of a template, or {} when the metadata is missing or malformed. */
export function templateOptions(template: LoadedTarget): Record<string, TemplateOptionSpec> {
  const options = getPath(template.metadata?.doc.value, ['options']);
  if (!isRecord(options)) return {};
  const result: Record<string, TemplateOptionSpec> = {};
  for (const [name, spec] of Object.entries(options)) if (isRecord(spec)) result[name] = spec;
  return result;
}

export interface ResolvedBuildPath {
  /** As written in devcontainer.json. */
  written: string;
  /** Inside the template, forward slashes; undefined when it leaves the template folder. */
  relPath: string | undefined;
  absPath: string;
  jsonPath: string[];
}

/**
 * Where devcontainer.json's `build.dockerfile` and `build.context` point. Both are relative to the folder
 * holding devcontainer.json (spec: "relative to devcontainer.json"); context defaults to that folder.
 * Placeholders are substituted with the option defaults first, as a user would get them.
 */
export function resolveBuildPaths(template: LoadedTemplate): { dockerfile: ResolvedBuildPath; context: ResolvedBuildPath } | undefined {
  const config = template.devcontainer;
  if (!config) return undefined;
  const build = getPath(config.doc.value, ['build']);
  const dockerfile = getPath(build, ['dockerfile']);
  if (typeof dockerfile !== 'string') return undefined;
  const context = getPath(build, ['context']);
  const defaults = defaultOptionValues(templateOptions(template));
  const configDir = path.dirname(config.absPath);
  const resolve = (written: string, jsonPath: string[]): ResolvedBuildPath => {
    const absPath = path.resolve(configDir, applyOptions(written, defaults));
    const rel = path.relative(template.absDir, absPath);
    const inside = rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
    return { written, relPath: inside ? rel.split(path.sep).join('/') : undefined, absPath, jsonPath };
  };
  return {
    dockerfile: resolve(dockerfile, ['build', 'dockerfile']),
    context: resolve(typeof context === 'string' ? context : '.', ['build', 'context']),
  };
}
