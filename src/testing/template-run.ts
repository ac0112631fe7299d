import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as path from 'node:path';
import { composeCliArgs, type Compose } from '../engine/compose-program';
import type { Engine } from '../engine/engine';
import type { EngineLog } from '../engine/log';
import type { PackageIndex } from '../engine/package-index';
import type { Registry } from '../engine/registry';
import { getPath, isRecord, parseJsonc } from '../jsonc';
import type { TargetRef } from '../pack';
import { tail, type RunOptions, type RunResult } from '../proc';
import type { ComposeService } from '../compose-file';
import { indexGap, knownFailureInLog, type HttpAnswer, type Verdict } from './checks';
import type { ComposedProject } from './compose-project';
import type { AppBuilds } from './app-builds';
import { ImageClaims, RunLedger } from './run-ledger';
import { StepFailure, StepSkip, type StepOutcome } from './steps';

/**
 * The typed state of one template run: what the context gave it, what its steps found and made, and the
 * ledger of everything it created (which the clean-up removes, whatever happened). Steps read and write
 * this one object; nothing lives in closures.
 */

export interface TemplateTestContext {
  engine: Engine;
  index: PackageIndex;
  registry: Registry;
  log: EngineLog;
  write: (text: string) => void;
  /** Folder for this template's workspace, removed at the end unless --keep. */
  workDir: string;
  /** Folder for this template's logs: outside workDir, kept when a step fails so its log can be read. */
  logDir: string;
  /** Sample application to apply the template onto. */
  appDir: string;
  /**
   * The app's run-time environment (`--env`, `--env-file`): given to the app containers (through an env file
   * in workDir, never on a command line) and to the dev container's commands (remoteEnv of the override config).
   */
  appEnv?: Readonly<Record<string, string>>;
  /** Paths the HTTP checks request (app-http, app-load, app-read-only): stagepack.json's and --check-path's, else `/`. */
  checkPaths?: readonly string[];
  keep: boolean;
  /** Docker Compose v2, fetched on first use: only templates whose dev container is a compose service ask. */
  compose: () => Promise<Compose>;
  healthTimeoutMs: number;
  /** docker stop must return within this (stagepack.json test bound; 3 s by default). */
  stopBoundMs: number;
  /** Namespace in the (temporary) registry. */
  namespace: string;
  /**
   * References published in this run, by template folder: the variants of one template share one
   * publication (the registry refuses to publish a version twice, and the content is the same). A promise,
   * so that variants running at the same time wait for the one publication instead of racing it.
   */
  published: Map<string, Promise<string>>;
  /**
   * Option values the fit step paired a variant into, by template folder and values, with the run that tests
   * them: two variants paired into the same values (pythonVersion=3.13 and debianRelease=trixie, both into
   * 3.13 on trixie) are one test, run once; the second says which run tests its values.
   */
  paired?: Map<string, string>;
  /** Images recorded by the runs going on at the same time: an image two runs made is removed by the last. */
  imageClaims?: ImageClaims;
  /** The app builds of this `stagepack test`: its one canary, and which builds may come from the cache. */
  appBuilds?: AppBuilds;
  /**
   * A feature to apply together with the template (`templates apply --features`): it is published to
   * `namespace` in the same registry, and the dev container must come up with it and pass its smoke test.
   */
  feature?: {
    target: TargetRef;
    options: Record<string, string>;
    namespace: string;
    /** The feature's own checks in the template's dev container (test/<id>/with-template.sh), if any. */
    script?: string;
  };
  /**
   * appDir is a project that already holds an applied template (`stagepack test DIR`): it is copied and tested
   * as it is; nothing is linted, published or applied.
   */
  project?: boolean;
  /** Test-only: the step after which a plain Error is thrown (STAGEPACK_TEST_FAULT). */
  injectFault?: string;
}

/** The script the dev container runs, relative to the workspace. */
export const DEV_TEST_SCRIPT = '.devcontainer/test.sh';
/** Optional: the template's own checks of the app image, run with `sh -s` inside the running app container. */
export const APP_TEST_SCRIPT = '.devcontainer/app-test.sh';

export interface TemplateRunState {
  readonly template: TargetRef;
  readonly context: TemplateTestContext;
  /** Options applied, as given to `devcontainer templates apply -a` (the fit step may pair in another option's value). */
  readonly options: Record<string, string>;
  /** The option this run varies from its default (`template[option=value]`), if any. */
  readonly varied?: string;
  /** The applied project. Its folder name ends up in the dev image's name (vsc-<name>-<hash>): unique per run. */
  readonly workspace: string;
  /** `org.stagepack.test-run=<run id>`: the dev container's id label, and a label on what docker makes for us. */
  readonly runLabel: string;
  readonly ledger: RunLedger;
  /**
   * A random value passed into the app build the ways credentials are; app-secrets looks for it. One per
   * `stagepack test` (context.appBuilds), so that a build may reuse layers another run built fresh.
   */
  readonly canary: { value: string; channels: string[] };
  reference?: string;
  featureReference?: string;
  overrideConfig?: string;
  /** The dev container's Dockerfile, build context and build args (devcontainer.json's build, or the compose dev service's). */
  build?: { dockerfile: string; context: string; args: Record<string, string> };
  /** Set when the applied devcontainer.json names a dockerComposeFile. */
  composed?: ComposedProject;
  /** The compose service the app runs as, when the compose file has one built from the `app` target. */
  appService?: ComposeService;
  dev?: { container: string; image: string };
  app: { baseImage?: string; image?: string; container?: string; port?: string; hostPort?: number; nonce?: string };
}

export function createRunState(template: TargetRef, context: TemplateTestContext, options: Record<string, string>, varied?: string): TemplateRunState {
  const runId = path.basename(context.workDir);
  const ledger = new RunLedger(context.imageClaims);
  ledger.record('folder', context.workDir);
  return {
    template,
    context,
    options,
    varied,
    workspace: path.join(context.workDir, `${template.folderName}-${runId.split('-').pop()}`),
    runLabel: `org.stagepack.test-run=${runId}`,
    ledger,
    canary: { value: context.appBuilds?.canary ?? `stagepack-canary-${randomBytes(12).toString('hex')}`, channels: ['a BuildKit secret'] },
    app: {},
  };
}

export function logFile(state: TemplateRunState, name: string): string {
  fs.mkdirSync(state.context.logDir, { recursive: true });
  return path.join(state.context.logDir, `${name}.log`);
}

/** A value an earlier step set: its absence means the steps ran out of order, a bug of ours. */
export function need<T>(value: T | undefined, what: string): T {
  if (value === undefined || value === '') throw new Error(`internal: ${what} is not known at this step`);
  return value;
}

/**
 * The Dev Containers CLI for this run, with its temporary folders in the run's own folder: `templates
 * apply` and `publish` name theirs after the current millisecond (vsch-template-temp/<ms>,
 * templates-output-<ms>), which two runs going on at the same time could share.
 */
export function runCli(state: TemplateRunState, args: readonly string[], options: RunOptions = {}): Promise<RunResult> {
  const tmp = path.join(state.context.workDir, 'cli-tmp');
  fs.mkdirSync(tmp, { recursive: true });
  return state.context.engine.devcontainer(args, { ...options, env: { TMPDIR: tmp, ...options.env } });
}

/**
 * A command in the dev container, as the user's editor would run it (devcontainer exec). A compose-based
 * dev container is found by its compose project (COMPOSE_PROJECT_NAME), not by id labels.
 */
export function devExec(state: TemplateRunState, command: readonly string[], options: RunOptions): Promise<RunResult> {
  const { engine } = state.context;
  const composed = state.composed;
  return runCli(state, [
    'exec', '--workspace-folder', state.workspace, '--override-config', need(state.overrideConfig, 'the override config'), '--docker-path', engine.client,
    ...(composed ? composeCliArgs(composed.tool) : ['--id-label', state.runLabel]), ...command,
  ], { ...options, env: { ...options.env, ...composed?.env } });
}

/** The `ok - ` lines of a check script's output (test.sh, app-test.sh), as one line of detail. */
export function checksPassed(stdout: string): string {
  const checks = stdout.split('\n').filter((l) => l.startsWith('ok - ')).map((l) => l.slice('ok - '.length));
  return `${checks.length} checks passed: ${checks.join('; ')}`;
}

export function failure(message: string, result: RunResult, log?: string): StepFailure {
  const why = result.timedOut ? 'timed out' : result.spawnError ? `could not start: ${result.spawnError}` : `exit code ${result.code ?? result.signal}`;
  return new StepFailure(`${message} (${why})\n${tail(result, 12)}`, log);
}

/** The paths the HTTP checks request: the context's, or `/` alone. */
export function checkPathsOf(state: TemplateRunState): readonly string[] {
  return state.context.checkPaths?.length ? state.context.checkPaths : ['/'];
}

/**
 * The app's run-time environment as a `docker run --env-file` file in the run's folder (mode 0600: values may
 * be credentials), or no arguments when there is none. Values are literal in that format; a newline cannot
 * be written in it, and run-inputs refuses one before a run starts.
 */
export function appEnvArgs(state: TemplateRunState, name: string): string[] {
  const env = state.context.appEnv;
  if (!env || !Object.keys(env).length) return [];
  const file = path.join(state.context.workDir, `${name}.env`);
  fs.writeFileSync(file, Object.entries(env).map(([k, v]) => `${k}=${v}\n`).join(''), { mode: 0o600 });
  return ['--env-file', file];
}

/** The same environment as a compose service's `environment:` lines; `$` doubled, as compose interpolates it. */
export function composeEnvironment(env: Readonly<Record<string, string>> | undefined, indent: string): string {
  if (!env || !Object.keys(env).length) return '';
  return `${indent}environment:\n${Object.entries(env).map(([k, v]) => `${indent}  ${k}: ${JSON.stringify(v.replace(/\$/g, '$$$$'))}\n`).join('')}`;
}

/**
 * Throws a (blocking) skip when a failed build's log shows the local package index cannot feed this variant
 * (see indexGap); returns otherwise, and the caller reports the failure.
 */
export function skipIfIndexGap(state: TemplateRunState, log: string, output = ''): void {
  const text = `${fs.existsSync(log) ? fs.readFileSync(log, 'utf8') : ''}\n${output}`;
  const gap = indexGap(text, state.context.index.filesOf, state.options.pythonVersion);
  if (gap) throw new StepSkip(gap, true);
}

/**
 * A failed HTTP check's detail, with the precise cause and fix when the app's log names one (a write the image
 * refuses, a table the database lacks: see knownFailureInLog); otherwise as it was.
 */
export async function withKnownFailure(state: TemplateRunState, container: string, detail: string): Promise<string> {
  const logs = await state.context.engine.docker(['logs', '--tail', '200', container]);
  const found = knownFailureInLog(`${logs.stdout}\n${logs.stderr}`);
  return found ? `${detail.split('\nfix: ')[0]}\n${found}` : detail;
}

export function verdict(result: Verdict): string {
  if (!result.ok) throw new StepFailure(result.detail);
  return result.detail;
}

export function outcome(detail: string, log?: string): StepOutcome {
  return { detail, logFile: log };
}

export function safeJson(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return isRecord(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

export function safeJsonArray(text: string): unknown[] | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return Array.isArray(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

export function stringAt(value: unknown, jsonPath: string[]): string | undefined {
  const found = getPath(value, jsonPath);
  return typeof found === 'string' ? found : undefined;
}

export function readDevcontainerConfig(workspace: string): Record<string, unknown> {
  const configPath = path.join(workspace, '.devcontainer', 'devcontainer.json');
  const doc = parseJsonc(fs.readFileSync(configPath, 'utf8'));
  if (doc.errors.length || !isRecord(doc.value)) {
    throw new StepFailure(`${configPath}:${doc.errors[0]?.position.line ?? 1}:${doc.errors[0]?.position.column ?? 1}: the applied devcontainer.json is not valid JSONC (${doc.errors[0]?.code ?? 'not an object'}); a substituted option value probably broke it`);
  }
  return doc.value;
}

/**
 * The applied devcontainer.json with what this machine needs added, written outside the workspace and
 * passed as --override-config, so the user's files stay exactly as the template made them: absolute
 * dockerfile/context paths, and, when PyPI is out of reach, the package index: build options (host network +
 * pip.conf secret) for the build, and the PIP_ variables and PIPENV_PYPI_MIRROR in remoteEnv for the lifecycle commands
 * (a postCreateCommand's `pipenv install`) and `devcontainer exec`. The CLI passes `build.options` to
 * `docker build` verbatim.
 */
export function writeOverrideConfig(workspace: string, workDir: string, buildOptions: readonly string[], indexEnv: Readonly<Record<string, string>> = {}): string {
  const configPath = path.join(workspace, '.devcontainer', 'devcontainer.json');
  const config = readDevcontainerConfig(workspace);
  const configDir = path.dirname(configPath);
  const override = path.join(workDir, 'override', 'devcontainer.json');
  fs.mkdirSync(path.dirname(override), { recursive: true });
  const remoteEnv = { ...(isRecord(config.remoteEnv) ? config.remoteEnv : {}), ...indexEnv };
  const withEnv = Object.keys(remoteEnv).length ? { remoteEnv } : {};
  if (config.dockerComposeFile !== undefined) {
    // Compose builds take the index from the pip.conf secret (PIP_CONFIG_FILE); only the paths change here.
    const files = (Array.isArray(config.dockerComposeFile) ? config.dockerComposeFile : [config.dockerComposeFile]).map((f) => path.resolve(configDir, String(f)));
    fs.writeFileSync(override, `${JSON.stringify({ ...config, dockerComposeFile: files, ...withEnv }, null, 2)}\n`);
    return override;
  }
  const build = isRecord(config.build) ? { ...config.build } : {};
  build.dockerfile = path.resolve(configDir, typeof build.dockerfile === 'string' ? build.dockerfile : 'Dockerfile');
  build.context = path.resolve(configDir, typeof build.context === 'string' ? build.context : '.');
  const existing = Array.isArray(build.options) ? build.options.map(String) : [];
  build.options = [...existing, ...buildOptions];
  fs.writeFileSync(override, `${JSON.stringify({ ...config, build, ...withEnv }, null, 2)}\n`);
  return override;
}

/** A request a check sends; GET without a body unless it says otherwise. */
export interface HttpRequestSpec {
  method?: string;
  headers?: Readonly<Record<string, string>>;
  body?: string;
}

/**
 * Request a path of the app and follow its redirects (at most 5) while they stay on the app's own host and
 * port, as a browser would; what a redirect elsewhere names is recorded, not requested (it is not the app).
 * Only GET and HEAD are followed (`follow` false: the first answer is the last); a redirect is followed with
 * the same request.
 */
export async function httpFollow(base: string, pathAndQuery: string, maxRedirects = 5, request: HttpRequestSpec = {}, follow = true): Promise<HttpAnswer> {
  const origin = new URL(base);
  const hops: HttpAnswer['hops'] = [];
  let current = new URL(pathAndQuery, origin);
  for (;;) {
    const response = await httpRequest(current.href, request);
    hops.push({ path: `${current.pathname}${current.search}`, status: response.status });
    const location = follow && response.status >= 300 && response.status < 400 ? response.location : undefined;
    if (!location) return { path: pathAndQuery, hops, body: response.body };
    const next = new URL(location, current);
    if (next.host !== origin.host || next.protocol !== origin.protocol) return { path: pathAndQuery, hops, body: response.body, unfollowed: `it redirects to ${next.href}, off the app` };
    if (hops.length > maxRedirects) return { path: pathAndQuery, hops, body: response.body, unfollowed: `more than ${maxRedirects} redirects` };
    current = next;
  }
}

export function httpGet(url: string, timeoutMs = 5000): Promise<{ status: number; body: string; location?: string }> {
  return httpRequest(url, {}, timeoutMs);
}

/** One HTTP request; the body of the answer is read whole (at most 1 MB is kept). */
export function httpRequest(url: string, request: HttpRequestSpec, timeoutMs = 5000): Promise<{ status: number; body: string; location?: string }> {
  const method = request.method ?? 'GET';
  return new Promise((resolve, reject) => {
    const headers: Record<string, string | number> = { ...request.headers };
    if (request.body !== undefined) headers['content-length'] = Buffer.byteLength(request.body);
    // A fresh connection per request (no keep-alive agent): servers may close an idle one at any moment.
    const sent = http.request(url, { method, headers, timeout: timeoutMs, agent: false }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => {
        if (body.length < 1_000_000) body += chunk;
      });
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body, ...(response.headers.location ? { location: response.headers.location } : {}) }));
    });
    sent.on('timeout', () => sent.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    sent.on('error', (error) => reject(new StepFailure(`${method} ${url} failed: ${error.message}`)));
    sent.end(request.body);
  });
}
