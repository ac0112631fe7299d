import * as fs from 'node:fs';
import * as path from 'node:path';
import { devcontainerCli, lastJsonLine } from '../devcontainer-cli';
import { EngineError, engineLog } from '../engine';
import { tempDir } from '../engine/package-index';
import { startEphemeralRegistry, type Registry } from '../engine/registry';
import { conflictsIn, copyIntoProject, filesUnder, templateFiles } from '../init/adopt';
import { detectProject, type ProjectFacts } from '../init/detect';
import { describePlan, planInit, type TemplateChoice } from '../init/plan';
import { readProjectFiles } from '../init/project-files';
import { APPLIED_RECORD, readAppliedRecord, recordText } from '../init/record';
import { EXIT, type ExitCode, type Io } from '../io';
import { getPath, isRecord, scalarText, setOwn } from '../jsonc';
import { assignments } from '../testing/run-inputs';
import { OciClient, RegistryError } from '../oci/client';
import { registryCredential, scrubSecrets, type Credential } from '../oci/credentials';
import type { TemplateOptionSpec } from '../template-options';
import { isDirectory, layoutTargets, loadTarget, packLayout, templateOptions, type TargetRef } from '../pack';
import { ok, tail } from '../proc';
import { copyForPublishing } from '../publish-copy';
import { printable, shellWord } from '../render';
import { PACKAGE_ROOT, VERSION } from '../version';

export interface InitInput {
  /** The project folder; default: the working directory. */
  dir?: string;
  /**
   * A template id of the pack (the working directory's, else stagepack's own), or an OCI reference
   * (`ghcr.io/org/templates/flask-gunicorn:1`) to apply from its registry. Default: the template the
   * project's record names (re-applying with the same answers), else the one detected.
   */
  template?: string;
  options: readonly (readonly [string, string | undefined])[];
  dryRun: boolean;
  force: boolean;
}

/**
 * `stagepack init [DIR]`: reads the project as it is, picks the template and its option values, prints the
 * plan with its reasons, and applies it through the Dev Containers CLI (published to a temporary registry on
 * loopback first: `templates apply` only reads from a registry). The CLI applies into an empty folder; the
 * files are then copied into the project, never over one of its files unless --force, which keeps a backup
 * of each. What was applied is recorded in .devcontainer/stagepack-applied.json for `stagepack test DIR`.
 *
 * Exit 0: applied (or, with --dry-run, applicable); 1: the plan has problems or files would be overwritten
 * (nothing written); 2: usage or environment error.
 */
export async function initCommand(input: InitInput, io: Io): Promise<ExitCode> {
  const projectDir = path.resolve(io.cwd, input.dir ?? '.');
  const shown = input.dir ?? '.';
  if (!isDirectory(projectDir)) return usage(io, `${shown} is not a folder`, 'give the folder of the Python project to adopt');
  const ownLayout = packLayout(projectDir);
  if (ownLayout || ['devcontainer-template.json', 'devcontainer-feature.json'].some((f) => fs.existsSync(path.join(projectDir, f)))) {
    return usage(io, `${shown} is a template pack or a template, not an application`, 'run init in the folder of the application to adopt');
  }
  const layout = packLayout(io.cwd) ?? packLayout(PACKAGE_ROOT);
  const templates = layout ? layoutTargets(layout, io.cwd).filter((t) => t.kind === 'template') : [];
  if (!templates.length) return usage(io, 'no template pack was found (here or stagepack\'s own)', 'run init from a pack root, or reinstall stagepack');
  const choices: (TemplateChoice & { ref: TargetRef })[] = templates.map((ref) => {
    const loaded = loadTarget(ref);
    const keywords = getPath(loaded.metadata?.doc.value, ['keywords']);
    return { ref, id: ref.folderName, keywords: Array.isArray(keywords) ? keywords.map((k) => (scalarText(k) ?? '').toLowerCase()) : [], options: templateOptions(loaded) };
  });
  // A project adopted before: its recorded answers come first (a newer version applies with them), then --option.
  const recordRead = readAppliedRecord(projectDir);
  if (recordRead.found && 'problem' in recordRead) return usage(io, recordRead.problem, `correct or remove ${APPLIED_RECORD}`);
  const previous = recordRead.found && 'record' in recordRead ? recordRead.record : undefined;
  const options = assignments(input.options);

  // An OCI reference: the template's metadata (id, keywords, options) comes from its manifest.
  let remote: { reference: string; version: string; client: OciClient; credential: Credential | undefined } | undefined;
  if (input.template && isReference(input.template)) {
    try {
      const found = await remoteTemplate(input.template, io);
      remote = found;
      choices.push({ ref: { kind: 'template', folderName: found.choice.id, displayDir: input.template, absDir: '' }, ...found.choice });
    } catch (error) {
      if (error instanceof RegistryError) return usage(io, error.message, error.fix);
      throw error;
    }
  }
  const templateId = remote ? choices[choices.length - 1].id : input.template ?? previous?.template;

  const facts = detectProject(readProjectFiles(projectDir));
  io.stdout(`stagepack init: ${printable(shown)}\n${printable(describeFacts(facts))}`);
  // The recorded answers hold only for the template they were given to.
  const recorded = previous && (templateId === undefined || templateId === previous.template) ? previous.options : undefined;
  if (previous) {
    const what = `applied before: ${printable(previous.template)} ${printable(previous.version)} (${APPLIED_RECORD})`;
    io.stdout(recorded ? `${what}; its answers are kept\n` : `${what}; its answers are not carried over to ${printable(templateId ?? '')}\n`);
  }
  const plan = planInit({ facts, templates: remote ? choices.slice(-1) : choices, template: templateId, options, recorded });
  if ('problem' in plan) {
    io.stdout(`problem: ${printable(plan.problem)}\n  fix: ${printable(plan.fix)}\nnothing was written\n`);
    return EXIT.problems;
  }
  io.stdout(printable(describePlan(plan)));
  if (plan.problems.length) {
    io.stdout(`${plan.problems.length} problem(s) would make the dev container or the app image fail; nothing was written\n`);
    return EXIT.problems;
  }
  // A template from a registry is the one pushed last (its id may also be one of the pack's).
  const chosen = remote ? choices[choices.length - 1] : choices.find((c) => c.id === plan.template);
  if (!chosen) throw new Error(`internal: planned template ${plan.template} is not in the pack`);
  // From the pack, the files are known before anything is applied; from a registry, after (below).
  const planned = [...(remote ? [] : templateFiles(chosen.ref.absDir)), APPLIED_RECORD];
  const conflicts = conflictsIn(projectDir, planned);
  io.stdout(`files to add: ${remote ? `those of ${remote.reference}, and ` : ''}${planned.join(', ')}\n`);
  if (conflicts.length && !input.force) {
    io.stdout(`the project already has ${conflicts.map((c) => printable(c)).join(', ')}; nothing was written\nfix: keep them and adopt by hand, or run again with --force (each is moved into .stagepack-backup/<time>/ first)\n`);
    return EXIT.problems;
  }
  if (input.dryRun && !remote) {
    io.stdout(`--dry-run: nothing was written${conflicts.length ? ` (--force would back up and replace ${conflicts.join(', ')})` : ''}\n`);
    return EXIT.ok;
  }

  const log = engineLog(io.stderr);
  const work = tempDir('stagepack-init-');
  let registry: Registry | undefined;
  try {
    const cliEnv = { TMPDIR: path.join(work, 'cli-tmp') };
    fs.mkdirSync(cliEnv.TMPDIR);
    let reference: string;
    let version: string;
    if (remote) {
      reference = remote.reference;
      version = remote.version;
    } else {
      registry = await startEphemeralRegistry(log, path.join(work, 'registry'));
      const collection = path.join(work, 'collection');
      copyForPublishing(chosen.ref.absDir, path.join(collection, chosen.id));
      const namespace = 'stagepack-init/templates';
      const published = await devcontainerCli(['templates', 'publish', '--registry', registry.host, '--namespace', namespace, '--log-level', 'info', collection], { env: cliEnv, timeoutMs: 120_000 });
      const publishedVersion = scalarText(getPath(lastJsonLine(published.stdout), [chosen.id, 'version']));
      if (!ok(published) || !publishedVersion) return failed(io, 'devcontainer templates publish (to the temporary registry) failed', tail(published, 12));
      version = publishedVersion;
      reference = `${registry.host}/${namespace}/${chosen.id}:${version}`;
    }
    const applied = path.join(work, 'applied');
    fs.mkdirSync(applied);
    const apply = await devcontainerCli(['templates', 'apply', '--template-id', reference, '--template-args', JSON.stringify(plan.options), '--workspace-folder', applied, '--log-level', 'info'], { env: cliEnv, timeoutMs: 120_000 });
    if (!ok(apply)) return failed(io, 'devcontainer templates apply failed', scrubSecrets(tail(apply, 12), remote?.credential));
    const produced = filesUnder(applied);
    if (produced.others.length) return failed(io, `the applied template holds links or special files (${produced.others.join(', ')}); nothing was written`, '');
    const record = { template: chosen.id, version, source: remote ? remote.reference : sourceOf(chosen.ref.absDir, projectDir), options: plan.options, files: produced.files };
    fs.mkdirSync(path.join(applied, path.dirname(APPLIED_RECORD)), { recursive: true });
    fs.writeFileSync(path.join(applied, APPLIED_RECORD), recordText(record));
    const files = [...produced.files, APPLIED_RECORD].sort();
    // What the CLI produced may differ from the folder's listing (optionalPaths): checked again, on what is copied.
    const late = conflictsIn(projectDir, files).filter((c) => !conflicts.includes(c));
    if (remote) io.stdout(`files of ${remote.reference}: ${produced.files.join(', ')}\n`);
    if (late.length && !input.force) {
      io.stdout(`the project already has ${late.join(', ')}; nothing was written\nfix: run again with --force to back them up and replace them\n`);
      return EXIT.problems;
    }
    if (input.dryRun) {
      io.stdout(`--dry-run: nothing was written${late.length || conflicts.length ? ` (--force would back up and replace ${[...conflicts, ...late].join(', ')})` : ''}\n`);
      return EXIT.ok;
    }
    const result = copyIntoProject(projectDir, applied, files, input.force);
    io.stdout(`applied ${chosen.id} ${version}: added ${result.added.length} file(s)${result.replaced.length ? `, replaced ${result.replaced.join(', ')} (the originals are in ${result.backupDir}/)` : ''}\n`);
    io.stdout(`recorded in ${APPLIED_RECORD}\nnext: stagepack test ${shellWord(shown)}   (the dev container, the app image and every production check, on the project as it is)\n`);
    return EXIT.ok;
  } catch (error) {
    if (error instanceof EngineError) return usage(io, error.message, error.hint);
    throw error;
  } finally {
    await registry?.stop();
    fs.rmSync(work, { recursive: true, force: true });
  }
}

/** `host/path/id:tag` or `host/path/id@sha256:...`: a template in a registry rather than an id of the pack. */
function isReference(template: string): boolean {
  return template.includes('/');
}

/**
 * The template at an OCI reference: its manifest's `dev.containers.metadata` gives the id, keywords and
 * options that planning needs, read with the credentials the Dev Containers CLI will apply it with.
 */
async function remoteTemplate(reference: string, io: Io): Promise<{ reference: string; version: string; client: OciClient; credential: Credential | undefined; choice: TemplateChoice }> {
  const match = /^([^/]+)\/(.+?)(?::([\w.-]+)|@(sha256:[0-9a-f]{64}))?$/.exec(reference);
  if (!match) throw new RegistryError('protocol', `${reference} is not an OCI reference`, 'write it as REGISTRY/NAMESPACE/ID:TAG, such as localhost:5000/stagepack/templates/flask-gunicorn:1');
  const [, registry, repository, tag, digest] = match;
  const credential = await registryCredential(registry, { ...process.env, ...io.env });
  const client = new OciClient(registry, { credential });
  const fetched = await client.manifest(repository, digest ?? tag ?? 'latest');
  if (!fetched) throw new RegistryError('protocol', `${registry} has no ${repository}:${digest ?? tag ?? 'latest'}`, 'check the reference (stagepack catalog REGISTRY/NAMESPACE lists what a namespace holds)');
  let metadata: unknown;
  try {
    metadata = JSON.parse(fetched.manifest.annotations?.['dev.containers.metadata'] ?? '');
  } catch {
    metadata = undefined;
  }
  const id = scalarText(getPath(metadata, ['id']));
  const version = scalarText(getPath(metadata, ['version']));
  if (!isRecord(metadata) || !id || !version) throw new RegistryError('protocol', `${reference} carries no template metadata (dev.containers.metadata)`, 'name a template published with devcontainer templates publish');
  const keywords = getPath(metadata, ['keywords']);
  const optionsValue = getPath(metadata, ['options']);
  const options: Record<string, TemplateOptionSpec> = {};
  if (isRecord(optionsValue)) for (const [name, spec] of Object.entries(optionsValue)) if (isRecord(spec)) setOwn(options, name, spec);
  return {
    reference,
    version,
    client,
    credential,
    choice: { id, keywords: Array.isArray(keywords) ? keywords.map((k) => (scalarText(k) ?? '').toLowerCase()) : [], options },
  };
}

function describeFacts(facts: ProjectFacts): string {
  const lines = ['found:'];
  for (const f of facts.frameworks) lines.push(`  ${f.value.kind} ${f.value.kind === 'django' ? f.value.settings : f.value.kind === 'streamlit' ? f.value.script : f.value.app} (${f.from})`);
  if (!facts.frameworks.length) lines.push('  no Flask, Django, FastAPI or Streamlit application');
  lines.push(`  dependencies: ${facts.packaging ? facts.packaging.from : 'none declared'}`);
  lines.push(`  code: ${facts.sourceDir.value === '.' ? 'at the root' : `${facts.sourceDir.value}/`} (${facts.sourceDir.from})`);
  if (facts.pythonVersion) lines.push(`  python: ${facts.pythonVersion.value} (${facts.pythonVersion.from})`);
  if (facts.procfile?.web) lines.push(`  Procfile web: ${facts.procfile.web}`);
  if (facts.procfile?.release) lines.push(`  Procfile release: ${facts.procfile.release}`);
  return `${lines.join('\n')}\n`;
}

function usage(io: Io, problem: string, fix: string): ExitCode {
  io.stderr(`stagepack init: ${printable(problem)}\nfix: ${printable(fix)}\n`);
  return EXIT.usage;
}

function failed(io: Io, problem: string, detail: string): ExitCode {
  io.stderr(`stagepack init: ${printable(problem)}; nothing was written\n${detail ? `${printable(detail)}\n` : ''}fix: run again with --dry-run to see the plan, and report the output above if it repeats\n`);
  return EXIT.problems;
}

/** Where the template came from, as the record keeps it: stagepack's own pack by version, else the folder. */
function sourceOf(templateDir: string, projectDir: string): string {
  const own = path.relative(PACKAGE_ROOT, templateDir);
  if (!own.startsWith('..') && !path.isAbsolute(own)) return `stagepack ${VERSION} (${own.split(path.sep).join('/')})`;
  return path.relative(projectDir, templateDir) || templateDir;
}
