import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { lastJsonLine } from '../../devcontainer-cli';
import { composeCliArgs } from '../../engine/compose-program';
import type { Engine } from '../../engine/engine';
import { getPath, scalarText } from '../../jsonc';
import { ok } from '../../proc';
import { recordComposeProject } from '../compose-project';
import type { RunLedger } from '../run-ledger';
import { StepFailure, StepSkip } from '../steps';
import { checksPassed, DEV_TEST_SCRIPT, devExec, failure, logFile, need, outcome, runCli, safeJsonArray, skipIfIndexGap, writeOverrideConfig } from '../template-run';
import type { TemplateStep } from './step';

/** The dev container: `devcontainer up` on the development target, the feature if any, the smoke test. */

const devUp: TemplateStep = {
  id: 'dev-up',
  title: 'devcontainer up (development target)',
  run: async (state) => {
    const { context, workspace, ledger } = state;
    const engine = context.engine;
    state.overrideConfig = writeOverrideConfig(workspace, context.workDir, context.index.buildOptions, { ...context.index.containerEnv, ...context.appEnv });
    const project = state.composed;
    const log = logFile(state, 'devcontainer-up');
    // The index variables in the CLI's own environment are for `${localEnv:PIP_INDEX_URL}` in feature
    // options (see the python-dev-tools scenarios).
    const result = await runCli(state, [
      'up', '--workspace-folder', workspace, '--override-config', state.overrideConfig, '--docker-path', engine.client,
      ...(project ? composeCliArgs(project.tool) : ['--id-label', state.runLabel]), '--log-level', 'info',
    ], { logFile: log, timeoutMs: 900_000, env: { ...context.index.containerEnv, ...project?.env } });
    // Recorded before anything is judged: a failed `up` may still have made containers and images.
    if (project) await recordComposeProject(engine, project.name, ledger);
    ledger.record('image', ...builtImageIds(`${result.stdout}\n${result.stderr}`), ...builtImageNames(`${result.stdout}\n${result.stderr}`));
    const summary = lastJsonLine(result.stdout);
    const containerId = summary?.containerId;
    if (typeof containerId === 'string') ledger.record('container', containerId);
    await recordDevImages(engine, workspace, typeof containerId === 'string' ? containerId : undefined, ledger);
    if (!ok(result) || summary?.outcome !== 'success' || typeof containerId !== 'string') {
      skipIfIndexGap(state, log, `${result.stdout}\n${result.stderr}`);
      throw failure('devcontainer up failed', result, log);
    }
    const image = (await engine.docker(['inspect', '--format', '{{.Image}}', containerId])).stdout.trim();
    state.dev = { container: containerId, image };
    return outcome(`container ${containerId.slice(0, 12)} as ${String(summary.remoteUser)} in ${String(summary.remoteWorkspaceFolder)}`, log);
  },
};

const devFeature: TemplateStep = {
  id: 'dev-feature',
  title: (state) => `the dev container has the feature ${state.context.feature?.target.folderName ?? ''}`,
  applies: (state) => state.context.feature !== undefined,
  run: async (state) => {
    const feature = need(state.context.feature, 'the feature');
    const featureReference = need(state.featureReference, 'the feature reference');
    const label = await state.context.engine.docker(['inspect', '--format', '{{index .Config.Labels "devcontainer.metadata"}}', need(state.dev, 'the dev container').image]);
    const entries = safeJsonArray(label.stdout.trim()) ?? [];
    const ids = entries.map((e) => scalarText(getPath(e, ['id'])) ?? '').filter(Boolean);
    const found = ids.find((id) => id === featureReference || id.startsWith(`${featureReference.replace(/:[^:/]+$/, '')}:`));
    if (!found) throw new StepFailure(`the dev container's metadata names no ${featureReference} (it names: ${ids.join(', ') || 'nothing'})`);
    const installed = `installed from ${found} with options ${JSON.stringify(feature.options)}`;
    if (!feature.script) return installed;
    const log = logFile(state, 'dev-feature');
    const result = await devExec(state, ['bash', '-s'], { input: fs.readFileSync(feature.script, 'utf8'), logFile: log, timeoutMs: 300_000 });
    if (!ok(result)) throw failure(`${path.basename(feature.script)} failed in the dev container`, result, log);
    return outcome(`${installed}; ${checksPassed(result.stdout)}`, log);
  },
};

const devTest: TemplateStep = {
  id: 'dev-exec',
  title: `devcontainer exec ${DEV_TEST_SCRIPT}`,
  run: async (state) => {
    // Every template of a pack must have one (apply checks it); a project may have dropped it.
    if (!fs.existsSync(path.join(state.workspace, DEV_TEST_SCRIPT))) throw new StepSkip(`the project has no ${DEV_TEST_SCRIPT}: the dev container came up, nothing was checked inside it`);
    const log = logFile(state, 'devcontainer-exec');
    const result = await devExec(state, ['bash', DEV_TEST_SCRIPT], { logFile: log, timeoutMs: 600_000 });
    if (!ok(result)) throw failure(`${DEV_TEST_SCRIPT} failed in the dev container`, result, log);
    return outcome(checksPassed(result.stdout), log);
  },
};

/**
 * Image ids a build printed: BuildKit's `writing image sha256:<id>` and the classic builder's
 * `Successfully built <id>`. What the Dev Containers CLI builds (the dev image, the feature content image,
 * the UID layer) is named by this run's output alone, never by a name other runs share.
 */
export function builtImageIds(output: string): string[] {
  const buildKit = [...output.matchAll(/writing image (sha256:[0-9a-f]{64})/g)].map((m) => m[1]);
  const classic = [...output.matchAll(/^Successfully built ([0-9a-f]{12,64})$/gm)].map((m) => m[1]);
  return [...new Set([...buildKit, ...classic])];
}

/**
 * The names a build gave what it wrote (BuildKit's `naming to docker.io/library/<name> done`): the CLI's
 * vsc-... names, and the fixed `dev_container_feature_content_temp` of a feature build without buildx.
 */
export function builtImageNames(output: string): string[] {
  return [...new Set([...output.matchAll(/naming to (\S+?)(?: done)?$/gm)].map((m) => m[1]))];
}

/**
 * The dev container's images: the one the container runs and every tag the CLI gave while building it,
 * `vsc-<workspace folder name>-<sha256 of its path>[-features|-uid]`: the hash of this run's own path, so
 * the name can only be this run's.
 */
export async function recordDevImages(engine: Engine, workspace: string, containerId: string | undefined, ledger: RunLedger): Promise<void> {
  if (containerId) {
    const image = await engine.docker(['inspect', '--format', '{{.Image}}', containerId]);
    if (ok(image)) ledger.record('image', image.stdout.trim());
  }
  const prefix = devImagePrefix(workspace);
  const listed = await engine.docker(['images', '--no-trunc', '--format', '{{.ID}} {{.Repository}} {{.Tag}}', '--filter', `reference=${prefix}*`]);
  for (const line of listed.stdout.trim().split('\n').filter(Boolean)) {
    const [id, repository, tag] = line.split(' ');
    // The name first: another run's build may have given the same image (BuildKit's cache) its own name.
    if (repository?.startsWith(prefix)) ledger.record('image', `${repository}:${tag ?? 'latest'}`, id);
  }
}

/**
 * The Dev Containers CLI's image name for a workspace folder (getFolderImageName in its source: the folder's
 * name and the SHA-256 of its path, made a valid image name). Kept in step with @devcontainers/cli 0.89.0;
 * images this misses are still recorded from the build output (builtImageIds).
 */
export function devImagePrefix(workspace: string): string {
  const name = `vsc-${path.basename(workspace)}-${createHash('sha256').update(workspace).digest('hex')}`;
  return name
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, '')
    .replace(/(\.[._-]|_[.-]|__[._-]|-+[._])[._-]*/g, (_match, first: string) => first.slice(0, -1));
}

export const DEV_STEPS: readonly TemplateStep[] = [devUp, devFeature, devTest];
