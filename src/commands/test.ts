import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { EngineError, engineLog } from '../engine';
import { ensureCompose, type Compose } from '../engine/compose-program';
import { ensureBaseImages } from '../engine/base-images';
import { bridgeAddress, preflightBridgeIndex } from '../engine/bridge';
import { ensureDocker } from '../engine/docker';
import { ensurePackageIndex, tempDir, type PackageIndex } from '../engine/package-index';
import { startEphemeralRegistry, type Registry } from '../engine/registry';
import { stateDir } from '../engine/state';
import { EXIT, type ExitCode, type Io } from '../io';
import { getPath, own, scalarText, setOwn } from '../jsonc';
import { ConfigError, configFor } from '../lint/config';
import { rules } from '../lint/rules';
import { APPLIED_RECORD, readAppliedRecord, type AppliedRecord } from '../init/record';
import { discoverTargets, isDirectory, layoutTargets, loadTarget, packLayout, readText, templateOptions, type TargetRef } from '../pack';
import { assignments, optionValueProblem, parseEnvFile, type Parsed } from '../testing/run-inputs';
import { stopLiveProcesses } from '../proc';
import { AppBuilds } from '../testing/app-builds';
import { ChangesError, changedFiles } from '../testing/git-changes';
import { entriesTouchedBy, listed, selectByLabel, shardOf, testMatrix, type ListFormat, type MatrixEntry, type Shard } from '../testing/matrix';
import { runPool } from '../testing/pool';
import { ImageClaims } from '../testing/run-ledger';
import { junitXml, runLabel, runOutcome, summaryTable, type TemplateRun } from '../testing/steps';
import { optionVariants } from '../template-options';
import { FEATURE_TEST_BASE_IMAGE, FEATURE_WITH_TEMPLATE_SCRIPT, scenarioOptions, testFeature } from '../testing/feature-test';
import { testTemplate } from '../testing/template-test';
import type { TemplateTestContext } from '../testing/template-run';
import { printable, shellWord } from '../render';
import { PACKAGE_ROOT } from '../version';

export interface TestInput {
  /** Template ids (in the pack) or paths to template folders; empty means every template of the pack. */
  templates: string[];
  junit?: string;
  keep: boolean;
  /** A sample application folder to use instead of the fixture that matches the template. */
  app?: string;
  /** Overrides every template's health bound when given. */
  healthTimeoutSeconds?: number;
  /** Only each template's defaults, not one run per other proposal of each option. */
  defaultsOnly: boolean;
  /** Runs at the same time; default: defaultJobs(). */
  jobs?: number;
  /** Print the run matrix (after --only, --changed and --shard) instead of running it. */
  list: boolean;
  format: ListFormat;
  /** Run only the K-th of N slices of the matrix. */
  shard?: Shard;
  /** Run only what changed since this ref (true: since the merge base with the main branch). */
  changed?: string | true;
  /** Run only the matrix entries with these labels (as --list prints them). */
  only: string[];
  /** `--option name=value`: fixed for every run of every template named, and not varied. */
  options?: readonly (readonly [string, string | undefined])[];
  /** `--env NAME[=VALUE]`: the app's run-time environment (NAME alone: from stagepack's environment). */
  env?: readonly (readonly [string, string | undefined])[];
  /** `--env-file FILE`: more of it, read as docker run --env-file does; --env wins. */
  envFile?: string;
  /** `--check-path PATH`: requested by the HTTP checks besides the template's paths. */
  checkPaths?: readonly string[];
}

/**
 * Runs at the same time when --jobs is not given. Most of a run waits (for Docker, the dev container, a
 * health probe), so two overlap well even on two cores; bench/matrix.ts measures 1, 2 and 3 side by side.
 */
export function defaultJobs(): number {
  return Math.max(1, Math.min(2, os.availableParallelism()));
}

/** Bounds when neither the command line nor stagepack.json sets one. */
export const DEFAULT_BOUNDS = { healthTimeoutSeconds: 30, stopBoundSeconds: 3 } as const;

/** Sample applications by framework; a template's keywords say which framework it serves. */
export const FIXTURE_APPS = path.join(PACKAGE_ROOT, 'test', 'fixtures', 'apps');
const FRAMEWORKS = ['django', 'fastapi', 'streamlit', 'flask'] as const;
const PACKAGE_MANAGERS = ['pipenv'] as const;

export async function testCommand(input: TestInput, io: Io): Promise<ExitCode> {
  const resolved = resolveTemplates(input.templates, io.cwd);
  if (!resolved.ok) {
    io.stderr(`stagepack test: ${printable(resolved.message)}\nfix: name a template or feature id (stagepack lint --format json lists them) or give the path of its folder\n`);
    return EXIT.usage;
  }
  const apps = new Map<TargetRef, string>();
  const bounds = new Map<TargetRef, { healthTimeoutSeconds: number; stopBoundSeconds: number; checkPaths: string[] }>();
  const fixed = assignments(input.options ?? []);
  const appEnv = readAppEnv(input, io);
  if (!appEnv.ok) {
    io.stderr(`stagepack test: ${printable(appEnv.problem)}\nfix: ${appEnv.fix}\n`);
    return EXIT.usage;
  }
  for (const template of resolved.templates) {
    let configured;
    let config;
    try {
      config = configFor(template.absDir, new Set(rules.map((r) => r.id)));
      configured = config.testBounds?.[template.folderName] ?? {};
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      io.stderr(`stagepack test: ${error.message}\nfix: ${error.fix}\n`);
      return EXIT.usage;
    }
    const options = templateOptions(loadTarget(template));
    for (const [name, value] of Object.entries(fixed)) {
      const problem = optionValueProblem(name, value, options);
      if (problem) {
        io.stderr(`stagepack test: --option ${printable(name)}: ${template.displayDir}: ${printable(problem)}\nfix: name an option of every template tested, with a value it accepts (its README's Options table lists them)\n`);
        return EXIT.usage;
      }
    }
    // The template's paths (stagepack.json), else `/`; then the ones given on the command line.
    const declared = configured.checkPaths ?? config.checkPaths ?? ['/'];
    bounds.set(template, {
      healthTimeoutSeconds: input.healthTimeoutSeconds ?? configured.healthTimeoutSeconds ?? DEFAULT_BOUNDS.healthTimeoutSeconds,
      stopBoundSeconds: configured.stopBoundSeconds ?? DEFAULT_BOUNDS.stopBoundSeconds,
      checkPaths: [...new Set([...declared, ...(input.checkPaths ?? [])])],
    });
    const app = input.app ? path.resolve(io.cwd, input.app) : fixtureAppFor(template);
    if (!app || !fs.existsSync(app)) {
      const problem = input.app ? `${input.app} does not exist` : `its keywords name none of ${FRAMEWORKS.join(', ')} with a folder in ${FIXTURE_APPS}`;
      io.stderr(`stagepack test: no sample application for ${template.displayDir}: ${problem}\nfix: pass an application folder with --app FOLDER\n`);
      return EXIT.usage;
    }
    apps.set(template, app);
  }
  for (const { ref, record } of resolved.projects) {
    if (Object.keys(fixed).length) {
      io.stderr(`stagepack test: --option: ${ref.displayDir} is a project with the template already applied, so it is tested as it is\nfix: apply other values with stagepack init ${ref.displayDir} --force --option NAME=VALUE, then test it\n`);
      return EXIT.usage;
    }
    let config;
    try {
      config = configFor(ref.absDir, new Set(rules.map((r) => r.id)));
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      io.stderr(`stagepack test: ${error.message}\nfix: ${error.fix}\n`);
      return EXIT.usage;
    }
    // The project's stagepack.json: its own check paths, else those it sets for the template it applied.
    const forTemplate = record ? config.testBounds?.[record.template] : undefined;
    const declared = config.checkPaths ?? forTemplate?.checkPaths ?? ['/'];
    bounds.set(ref, {
      healthTimeoutSeconds: input.healthTimeoutSeconds ?? forTemplate?.healthTimeoutSeconds ?? DEFAULT_BOUNDS.healthTimeoutSeconds,
      stopBoundSeconds: forTemplate?.stopBoundSeconds ?? DEFAULT_BOUNDS.stopBoundSeconds,
      checkPaths: [...new Set([...declared, ...(input.checkPaths ?? [])])],
    });
    apps.set(ref, ref.absDir);
    if (!record) io.stderr(`stagepack test: ${ref.displayDir} has no ${APPLIED_RECORD} (stagepack init writes one), so its template and options are not reported\n`);
  }

  // Each template with its defaults, then (unless --defaults-only) once per other proposal or enum value of
  // each option, one option at a time: what users pick, without the full product of every option. Then
  // each feature's own tests, and the feature applied with the pack's first template.
  const featureHost = resolved.templates[0] ?? packTemplates(resolved.packRoot)[0];
  let matrix = testMatrix({
    templates: resolved.templates,
    features: resolved.features,
    featureHost,
    variantsOf: (template) => optionVariants(templateOptions(loadTarget(template)), fixed),
    defaultsOnly: input.defaultsOnly,
    projects: resolved.projects.map(({ ref, record }) => ({ project: ref, options: record?.options ?? {} })),
  });
  if (input.only.length) {
    const { selected, unknown } = selectByLabel(matrix, input.only);
    if (unknown.length) {
      io.stderr(`stagepack test: --only ${printable(unknown.join(', '))}: not in the run matrix\nfix: stagepack test --list prints the labels of every run${input.templates.length ? ' (of the templates named)' : ''}\n`);
      return EXIT.usage;
    }
    matrix = selected;
  }
  if (input.changed !== undefined) {
    let changes;
    try {
      changes = await changedFiles(resolved.packRoot, input.changed === true ? undefined : input.changed);
    } catch (error) {
      if (!(error instanceof ChangesError)) throw error;
      io.stderr(`stagepack test: ${printable(error.message)}\nfix: ${error.fix}\n`);
      return EXIT.usage;
    }
    const before = matrix.length;
    matrix = entriesTouchedBy(matrix, changes.files, {
      templateDirs: (template) => {
        const app = apps.get(template) ?? fixtureAppFor(template) ?? template.absDir;
        return [template.absDir, app, ...optionVariants(templateOptions(loadTarget(template)), fixed).flatMap((v) => variantFixture(app, v) ?? [])];
      },
      featureDirs: (feature) => [feature.absDir, path.join(resolved.testsDir, feature.folderName)],
    });
    io.stderr(`stagepack test: --changed: ${changes.files.length} file(s) changed since ${changes.how} (${changes.base.slice(0, 12)}); ${matrix.length} of ${before} run(s) touch them\n`);
  }
  if (input.shard) matrix = shardOf(matrix, input.shard);
  if (input.list) {
    // The run's own inputs go with each entry's command; --env values stay out (they may be credentials).
    const extra = [
      ...(input.app ? ['--app', input.app] : []),
      ...(input.healthTimeoutSeconds !== undefined ? ['--health-timeout', String(input.healthTimeoutSeconds)] : []),
      ...Object.entries(fixed).flatMap(([name, value]) => ['--option', `${name}=${value}`]),
      ...(input.envFile ? ['--env-file', input.envFile] : []),
      ...(input.env ?? []).flatMap(([name]) => ['--env', name]),
      ...(input.checkPaths ?? []).flatMap((p) => ['--check-path', p]),
    ];
    const entries = matrix.map((entry) => listed(entry, input.templates, extra));
    if (input.format === 'json') io.stdout(`${JSON.stringify(entries, null, 2)}\n`);
    else for (const entry of entries) io.stdout(`${entry.label}\t${entry.kind}\tstagepack ${entry.args.map(shellWord).join(' ')}\n`);
    return EXIT.ok;
  }
  if (!matrix.length) {
    io.stdout('nothing to test: no run of the matrix is selected\n0 passed, 0 skipped, 0 failed\n');
    if (input.junit) fs.writeFileSync(path.resolve(io.cwd, input.junit), junitXml([]));
    return EXIT.ok;
  }
  const jobs = Math.max(1, Math.min(input.jobs ?? defaultJobs(), matrix.length));

  const log = engineLog(io.stderr);
  const runRoot = tempDir('stagepack-test-');
  const logRoot = path.join(stateDir(), 'test-logs', path.basename(runRoot));
  let interrupted = false;
  let registry: Registry | undefined;
  let index: PackageIndex | undefined;
  let results: (TemplateRun | undefined)[] = [];
  const published = new Map<string, Promise<string>>();
  const paired = new Map<string, string>();
  const imageClaims = new ImageClaims();
  const appBuilds = new AppBuilds();
  const onInterrupt = () => {
    io.stderr('\nstagepack test: interrupted; stopping what is running and removing what this run created\n');
    interrupted = true;
    stopLiveProcesses();
  };
  // Ctrl-C, and SIGTERM from a CI runner or `timeout`: both end with the clean-up below.
  process.once('SIGINT', onInterrupt);
  process.once('SIGTERM', onInterrupt);
  try {
    const engine = await ensureDocker(log);
    // Kept in the outer variables too, for the clean-up in `finally`.
    const runRegistry = (registry = await startEphemeralRegistry(log, path.join(runRoot, 'registry')));
    // The image of the bridge probes (and of every feature test): a stand-in is built here when it cannot be pulled.
    await ensureBaseImages(engine, log, [FEATURE_TEST_BASE_IMAGE]);
    const bridge = await bridgeAddress(engine, FEATURE_TEST_BASE_IMAGE, runRoot);
    const runIndex = (index = await ensurePackageIndex(log, runRoot, bridge.address));
    // No run may reach pip or pipenv without an index it can use: proved once, before anything is built.
    await preflightBridgeIndex(engine, log, runIndex, bridge, FEATURE_TEST_BASE_IMAGE, runRoot);
    // Fetched once, and only if a template's dev container is a compose service.
    let composeTool: Promise<Compose> | undefined;
    const composeOnce = () => (composeTool ??= ensureCompose(engine, log));
    /** One template run's context: its own work and log folders, the shared engine, registry and index. */
    const contextFor = (template: TargetRef, label: string, feature?: TemplateTestContext['feature']): TemplateTestContext => ({
      engine,
      index: runIndex,
      registry: runRegistry,
      log,
      write: io.stderr,
      workDir: fs.mkdtempSync(path.join(runRoot, `${template.folderName}-`)),
      logDir: path.join(logRoot, label.replace(/[^\w.=+-]+/g, '_')),
      appDir: apps.get(template) ?? fixtureAppFor(template) ?? '',
      appEnv: appEnv.value,
      checkPaths: bounds.get(template)?.checkPaths,
      keep: input.keep,
      compose: composeOnce,
      healthTimeoutMs: (bounds.get(template)?.healthTimeoutSeconds ?? DEFAULT_BOUNDS.healthTimeoutSeconds) * 1000,
      stopBoundMs: (bounds.get(template)?.stopBoundSeconds ?? DEFAULT_BOUNDS.stopBoundSeconds) * 1000,
      namespace: 'stagepack-test/templates',
      published,
      paired,
      imageClaims,
      appBuilds,
      feature,
      injectFault: io.env.STAGEPACK_TEST_FAULT || undefined,
    });
    if (jobs > 1) io.stderr(`stagepack test: ${matrix.length} run(s), ${jobs} at a time (--jobs)\n`);
    const runEntry = async (entry: MatrixEntry): Promise<TemplateRun> => {
      if (entry.kind === 'template') {
        // A variant that changes the project's layout (sourceDir=.) runs on the sample app of that layout.
        const app = (!input.app && variantFixture(apps.get(entry.template), entry.variant)) || apps.get(entry.template) || '';
        io.stderr(`\n${entry.label}: testing ${entry.template.displayDir} with the sample app ${path.relative(io.cwd, app) || '.'}\n`);
        return testTemplate(entry.template, { ...contextFor(entry.template, entry.label), appDir: app }, entry.variant);
      }
      if (entry.kind === 'project') {
        io.stderr(`\n${entry.label}: testing the project ${entry.project.displayDir} as it is (its .devcontainer and Dockerfile; nothing applied)\n`);
        return testTemplate(entry.project, { ...contextFor(entry.project, entry.label), project: true }, { values: entry.options });
      }
      const feature = entry.feature;
      if (entry.kind === 'feature') {
        io.stderr(`\n${feature.folderName}: testing the feature ${feature.displayDir} with devcontainer features test\n`);
        return testFeature(feature, {
          engine,
          log,
          write: io.stderr,
          workDir: fs.mkdtempSync(path.join(runRoot, `${feature.folderName}-`)),
          logDir: path.join(logRoot, `feature-${feature.folderName}`),
          keep: input.keep,
          testsRoot: resolved.testsDir,
          indexEnv: runIndex.containerEnv,
          index: { pypi: runIndex.pypi, has: (name) => runIndex.has(name) },
          imageClaims,
          injectFault: io.env.STAGEPACK_TEST_FAULT || undefined,
        });
      }
      // The feature as users meet it: applied with a template (templates apply --features).
      io.stderr(`\n${entry.label}: testing ${entry.template.displayDir} with the feature ${feature.displayDir} applied\n`);
      const tests = path.join(resolved.testsDir, feature.folderName);
      const withTemplate = path.join(tests, FEATURE_WITH_TEMPLATE_SCRIPT);
      return testTemplate(entry.template, contextFor(entry.template, entry.label, {
        target: feature,
        options: scenarioOptions(tests, feature.folderName),
        namespace: 'stagepack-test/features',
        script: fs.existsSync(withTemplate) ? withTemplate : undefined,
      }));
    };
    // Runs that build features (a feature's own tests, a template with a feature) one at a time: see runPool.
    results = await runPool(matrix, jobs, runEntry, { stop: () => interrupted, exclusive: (entry) => entry.kind === 'feature' || entry.kind === 'feature-with-template' });
  } catch (error) {
    if (error instanceof EngineError) {
      io.stderr(`stagepack test: ${error.message}\nfix: ${error.hint}\n`);
      return EXIT.usage;
    }
    throw error;
  } finally {
    process.removeListener('SIGINT', onInterrupt);
    process.removeListener('SIGTERM', onInterrupt);
    await index?.close();
    await registry?.stop();
    if (!input.keep) fs.rmSync(runRoot, { recursive: true, force: true });
    removeIfEmpty(logRoot);
  }

  const runs = results.filter((r): r is TemplateRun => r !== undefined);
  io.stdout(`\n${summaryTable(runs)}`);
  if (input.junit) fs.writeFileSync(path.resolve(io.cwd, input.junit), junitXml(runs));
  const failed = runs.filter((r) => runOutcome(r) === 'fail');
  const skipped = runs.filter((r) => runOutcome(r) === 'skip');
  for (const run of skipped) {
    const step = run.steps.find((s) => s.blocking);
    io.stdout(`SKIPPED ${runLabel(run)} from step "${step?.title}": ${step?.detail.split('\n')[0]}\n`);
  }
  for (const run of failed) {
    const step = run.steps.find((s) => s.status === 'fail');
    io.stdout(`FAILED ${runLabel(run)}: step "${step?.title}"${step?.logFile ? ` (log: ${step.logFile})` : ''}\n`);
  }
  io.stdout(`${runs.length - failed.length - skipped.length} passed, ${skipped.length} skipped, ${failed.length} failed\n`);
  if (interrupted) {
    io.stderr('stagepack test: interrupted before every template was tested\n');
    return EXIT.problems;
  }
  return failed.length ? EXIT.problems : EXIT.ok;
}

type Resolution =
  | { ok: true; templates: TargetRef[]; features: TargetRef[]; projects: ProjectRef[]; packRoot: string; testsDir: string }
  | { ok: false; message: string };

/** A project holding an applied template, and what `stagepack init` recorded of it (if it did). */
export interface ProjectRef {
  ref: TargetRef;
  record?: AppliedRecord;
}

/** A folder that is neither a template nor a feature nor a pack, but has a dev container of its own. */
function projectAt(dir: string, cwd: string): TargetRef | undefined {
  if (!isDirectory(dir) || packLayout(dir)) return undefined;
  if (['devcontainer-template.json', 'devcontainer-feature.json'].some((f) => fs.existsSync(path.join(dir, f)))) return undefined;
  if (!fs.existsSync(path.join(dir, '.devcontainer', 'devcontainer.json'))) return undefined;
  return { kind: 'template', folderName: path.basename(dir), displayDir: path.relative(cwd, dir) || '.', absDir: dir };
}

/**
 * Arguments are template or feature ids in the pack (the working directory's, of either layout, when it is
 * a pack, else stagepack's own) or paths to their folders. No argument: everything in that pack.
 */
export function resolveTemplates(args: readonly string[], cwd: string): Resolution {
  const layout = packLayout(cwd) ?? packLayout(PACKAGE_ROOT);
  const packRoot = layout?.root ?? PACKAGE_ROOT;
  const inputs = args.length ? args : [packRoot];
  const templates: TargetRef[] = [];
  const features: TargetRef[] = [];
  const projects: ProjectRef[] = [];
  const inPack = layout ? layoutTargets(layout, cwd) : [];
  for (const arg of inputs) {
    const project = /^[\w.-]+$/.test(arg) && inPack.some((t) => t.folderName === arg) ? undefined : projectAt(path.resolve(cwd, arg), cwd);
    if (project) {
      const read = readAppliedRecord(project.absDir);
      if (read.found && 'problem' in read) return { ok: false, message: `${arg}: ${read.problem}` };
      if (!projects.some((p) => p.ref.absDir === project.absDir)) projects.push({ ref: project, record: read.found ? read.record : undefined });
      continue;
    }
    const byId = /^[\w.-]+$/.test(arg) ? inPack.find((t) => t.folderName === arg)?.absDir : undefined;
    const isId = byId !== undefined && !fs.existsSync(path.resolve(cwd, arg, 'devcontainer-template.json')) && !fs.existsSync(path.resolve(cwd, arg, 'devcontainer-feature.json'));
    const discovery = discoverTargets([isId && byId ? byId : arg], cwd);
    if (!discovery.ok) {
      const where = layout?.collections.map((c) => `${path.relative(cwd, c.dir) || '.'}/`).join(' or ') ?? 'this pack';
      return { ok: false, message: `${arg}: neither a template or feature id in ${where} nor a template or feature folder` };
    }
    templates.push(...discovery.targets.filter((t) => t.kind === 'template' && !templates.some((s) => s.absDir === t.absDir)));
    features.push(...discovery.targets.filter((t) => t.kind === 'feature' && !features.some((s) => s.absDir === t.absDir)));
  }
  return { ok: true, templates, features, projects, packRoot, testsDir: layout?.testsDir ?? path.join(packRoot, 'test') };
}

/** The app's run-time environment: --env-file's lines, then --env (which wins), NAME alone from stagepack's environment. */
function readAppEnv(input: TestInput, io: Io): Parsed<Record<string, string>> {
  let vars: Record<string, string> = {};
  if (input.envFile) {
    const file = path.resolve(io.cwd, input.envFile);
    const read = readText(file, input.envFile, 'env file');
    if (!('text' in read)) return { ok: false, problem: `--env-file ${input.envFile}: ${read.reason === 'unreadable' ? `cannot be read (${(read.detail ?? 'unknown error').split(',')[0]})` : `is not a readable text file (${read.reason})`}`, fix: 'give the path of a file of NAME=VALUE lines' };
    const parsed = parseEnvFile(read.text, input.envFile, io.env);
    if (!parsed.ok) return parsed;
    vars = parsed.value;
  }
  for (const [name, value] of input.env ?? []) {
    const resolved = value ?? own(io.env, name);
    if (resolved === undefined) return { ok: false, problem: `--env ${name}: no value given and ${name} is not set in this environment`, fix: `write --env ${name}=VALUE, or export ${name} first` };
    if (/[\n\r\0]/.test(resolved)) return { ok: false, problem: `--env ${name}: the value holds a line break or NUL, which an env file cannot carry`, fix: 'give the value on one line' };
    setOwn(vars, name, resolved);
  }
  return { ok: true, value: vars };
}

function packTemplates(packRoot: string): TargetRef[] {
  const discovery = discoverTargets([packRoot], packRoot);
  return discovery.ok ? discovery.targets.filter((t) => t.kind === 'template') : [];
}

function removeIfEmpty(dir: string): void {
  try {
    if (fs.readdirSync(dir).length === 0) fs.rmdirSync(dir);
  } catch {
    // not there: nothing to remove
  }
}

/**
 * The sample app for an option value that changes the project's layout, from test/fixtures/apps/variants.json
 * (`{"flask": {"sourceDir=.": "flask-root"}}`: the run of flask-gunicorn[sourceDir=.] uses flask-root/).
 */
export function variantFixture(defaultApp: string | undefined, variant: { option?: string; value?: string }): string | undefined {
  if (!defaultApp || variant.option === undefined || path.dirname(defaultApp) !== FIXTURE_APPS) return undefined;
  let table: unknown;
  try {
    table = JSON.parse(fs.readFileSync(path.join(FIXTURE_APPS, 'variants.json'), 'utf8'));
  } catch {
    return undefined;
  }
  const name = getPath(table, [path.basename(defaultApp), `${variant.option}=${variant.value ?? ''}`]);
  return typeof name === 'string' && /^[\w.-]+$/.test(name) ? path.join(FIXTURE_APPS, name) : undefined;
}

function fixtureAppFor(template: TargetRef): string | undefined {
  // A sample app named after the template itself comes first (django-postgres/: models, migrations, a write).
  if (fs.existsSync(path.join(FIXTURE_APPS, template.folderName, 'README.md'))) return path.join(FIXTURE_APPS, template.folderName);
  const keywords = getPath(loadTarget(template).metadata?.doc.value, ['keywords']);
  const words = Array.isArray(keywords) ? keywords.map((k) => (scalarText(k) ?? '').toLowerCase()) : [];
  const framework = FRAMEWORKS.find((f) => words.includes(f) || template.folderName.includes(f));
  if (!framework) return undefined;
  // A package manager keyword picks that flavour of the sample app when there is one (flask-pipenv/).
  const flavour = PACKAGE_MANAGERS.find((m) => words.includes(m) && fs.existsSync(path.join(FIXTURE_APPS, `${framework}-${m}`)));
  return path.join(FIXTURE_APPS, flavour ? `${framework}-${flavour}` : framework);
}
