import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseDockerfile } from '../../dockerfile';
import { ok } from '../../proc';
import { BUILD_TOOLS_PROBE, buildToolsVerdict, missingLibraries, parityVerdict, pipConfWithCredential, SECRET_ARG, secretsVerdict, SHARED_LIBS_PROBE, sharedLibsVerdict } from '../checks';
import { stepsRun } from '../app-builds';
import { findInImage } from '../image-scan';
import { failure, logFile, need, outcome, safeJsonArray, skipIfIndexGap, verdict, type TemplateRunState } from '../template-run';
import type { TemplateStep } from './step';

/** The production image: the `app` target built with BuildKit, then what it contains. */

/**
 * Build options that carry the canary the ways credentials travel: a BuildKit secret, the password of the
 * package index URL in pip.conf, and every ARG whose name invites a token. Says which in state.canary.
 */
function canaryOptions(state: TemplateRunState, dockerfile: string): string[] {
  const { context, canary } = state;
  canary.channels.splice(0, canary.channels.length, 'a BuildKit secret');
  const secretFile = path.join(context.workDir, 'canary.secret');
  fs.writeFileSync(secretFile, `${canary.value}\n`, { mode: 0o600 });
  const options = [...context.index.buildOptions, '--secret', `id=stagepack-canary,src=${secretFile}`];
  const pipIndex = options.findIndex((o) => o.startsWith('id=pip.conf,src='));
  if (pipIndex >= 0) {
    const withCredential = path.join(context.workDir, 'pip-canary.conf');
    fs.writeFileSync(withCredential, pipConfWithCredential(fs.readFileSync(options[pipIndex].slice('id=pip.conf,src='.length), 'utf8'), canary.value), { mode: 0o600 });
    options[pipIndex] = `id=pip.conf,src=${withCredential}`;
    canary.channels.push('the package index password in pip.conf');
  }
  const model = parseDockerfile(fs.readFileSync(dockerfile, 'utf8'));
  for (const name of new Set(model.instructions.filter((i) => i.keyword === 'ARG').flatMap((i) => i.properties.map((p) => p.name)))) {
    if (!SECRET_ARG.test(name)) continue;
    options.push('--build-arg', `${name}=${canary.value}`);
    canary.channels.push(`--build-arg ${name}`);
  }
  return options;
}

const appBuild: TemplateStep = {
  id: 'app-build',
  title: 'build the app target (BuildKit)',
  run: async (state) => {
    const { context } = state;
    const build = need(state.build, 'the Dockerfile');
    const builds = context.appBuilds;
    const key = { template: state.template.absDir, dockerfile: fs.readFileSync(build.dockerfile, 'utf8'), args: build.args };
    const plan = builds ? await builds.plan(key, path.basename(context.logDir)) : undefined;
    let rejected = '';
    if (builds && plan && !plan.fresh) {
      // Another run of this template built the same layers fresh: try BuildKit's cache, and keep the image only
      // if every layer is one of a fresh build of this run (see app-builds.ts for why that keeps the scan honest).
      const cached = await buildApp(state, 'app-build-cached', false);
      let strangers = builds.notFresh(cached.layers);
      if (strangers.length) {
        // The cache may have handed out a layer of a fresh build of another run that has not ended yet.
        await builds.settled();
        strangers = builds.notFresh(cached.layers);
      }
      if (!strangers.length) return outcome(`${describe(cached)}; from BuildKit's cache: all ${cached.layers.length} layer(s) are ones this test built fresh (as ${plan.sibling})`, cached.log);
      const ran = fs.existsSync(cached.log) ? stepsRun(fs.readFileSync(cached.log, 'utf8')) : [];
      rejected = `; built again with --no-cache, as the cache gave ${strangers.length} of ${cached.layers.length} layer(s) that no fresh build of this test made (steps run rather than cached: ${ran.length ? ran.join('; ') : 'none'})`;
    }
    const fresh = plan?.fresh ? plan : builds?.begin(key, path.basename(context.logDir));
    try {
      const built = await buildApp(state, 'app-build', true);
      fresh?.done(built.layers);
      return outcome(describe(built) + rejected, built.log);
    } catch (error) {
      fresh?.done(undefined);
      throw error;
    }
  },
};

interface BuiltApp {
  image: string;
  bytes: number;
  layers: readonly string[];
  log: string;
}

function describe(built: BuiltApp): string {
  return `${built.image.replace('sha256:', '').slice(0, 12)}, ${(built.bytes / 1e6).toFixed(1)} MB`;
}

/**
 * `docker build --target app`, with the canary. `fresh`: with --no-cache, so that every layer is made by this
 * build (secrets are not part of BuildKit's cache key); cache mounts (pip's downloads) still apply.
 */
async function buildApp(state: TemplateRunState, logName: string, fresh: boolean): Promise<BuiltApp> {
  const { context, ledger } = state;
  const build = need(state.build, 'the Dockerfile');
  const iidFile = path.join(context.workDir, `${logName}.iid`);
  const log = logFile(state, logName);
  const args = Object.entries(build.args).flatMap(([k, v]) => ['--build-arg', `${k}=${v}`]);
  const result = await context.engine.docker(
    ['build', ...(fresh ? ['--no-cache'] : []), '--target', 'app', '--file', build.dockerfile, '--iidfile', iidFile, '--label', state.runLabel, '--progress', 'plain', ...args, ...canaryOptions(state, build.dockerfile), build.context],
    { logFile: log, timeoutMs: 900_000 },
  );
  const image = fs.existsSync(iidFile) ? fs.readFileSync(iidFile, 'utf8').trim() : '';
  if (image) {
    ledger.record('image', image);
    state.app.image = image;
  }
  if (!ok(result) || !image) {
    skipIfIndexGap(state, log, `${result.stdout}\n${result.stderr}`);
    throw failure('docker build --target app failed', result, log);
  }
  const inspected = await context.engine.docker(['image', 'inspect', '--format', '{{.Size}} {{json .RootFS.Layers}}', image]);
  const [size, ...rest] = inspected.stdout.trim().split(' ');
  const layers = (safeJsonArray(rest.join(' ')) ?? []).map(String);
  // No layers read would make "every layer is a fresh one" true of nothing: a build whose layers are unknown fails.
  if (!ok(inspected) || !layers.length) throw failure('docker image inspect could not read the layers of the app image', inspected);
  return { image, bytes: Number(size), layers, log };
}

const appSecrets: TemplateStep = {
  id: 'app-secrets',
  title: 'no build secret in any layer, the config or the history',
  run: async (state) => {
    const { findings, layers, unreadable } = await findInImage(state.context.engine, need(state.app.image, 'the app image'), state.canary.value);
    return verdict(secretsVerdict(findings, layers, state.canary.channels, unreadable));
  },
};

/** `docker run --rm` of the app image with another entrypoint and no network, for a look inside. */
function lookInside(state: TemplateRunState, image: string, entrypoint: string, args: readonly string[]) {
  return state.context.engine.docker(['run', '--rm', '--network', 'none', '--label', state.runLabel, '--entrypoint', entrypoint, image, ...args], { timeoutMs: 120_000 });
}

const appBuildTools: TemplateStep = {
  id: 'app-build-tools',
  title: 'no compilers or headers in the app image',
  run: async (state) => {
    const image = need(state.app.image, 'the app image');
    const probe = await lookInside(state, image, 'sh', ['-c', BUILD_TOOLS_PROBE]);
    if (!ok(probe)) throw failure('could not look inside the app image (it needs /bin/sh)', probe);
    const size = async (of: string) => Number((await state.context.engine.docker(['image', 'inspect', '--format', '{{.Size}}', of])).stdout.trim());
    const base = state.app.baseImage;
    const added = base ? (await size(image)) - (await size(base)) : undefined;
    return verdict(buildToolsVerdict(probe.stdout, added, base ?? 'its base image'));
  },
};

const appSharedLibs: TemplateStep = {
  id: 'app-shared-libs',
  title: 'every shared library resolves in the app image',
  run: async (state) => {
    const { context, ledger } = state;
    const image = need(state.app.image, 'the app image');
    const probe = await lookInside(state, image, 'sh', ['-c', SHARED_LIBS_PROBE]);
    if (!ok(probe)) throw failure('could not run ldd in the app image (it needs /bin/sh, python and ldd)', probe);
    const found = missingLibraries(probe.stdout);
    const providers: Record<string, string | undefined> = {};
    if (found.missing.length) {
      // Only now is the builder stage built (from cache, usually) to ask dpkg which package ships each library.
      const build = need(state.build, 'the Dockerfile');
      const iidFile = path.join(context.workDir, 'builder.iid');
      const built = await context.engine.docker(['build', '--target', 'builder', '--file', build.dockerfile, '--iidfile', iidFile, '--label', state.runLabel, ...context.index.buildOptions, build.context], { logFile: logFile(state, 'builder-build'), timeoutMs: 900_000 });
      const builder = fs.existsSync(iidFile) ? fs.readFileSync(iidFile, 'utf8').trim() : '';
      if (builder) ledger.record('image', builder);
      if (ok(built) && builder) {
        for (const library of new Set(found.missing.map((m) => m.library))) {
          const owner = await lookInside(state, builder, 'dpkg', ['-S', library]);
          providers[library] = ok(owner) ? owner.stdout.split('\n')[0].split(':')[0] : undefined;
        }
      }
    }
    return verdict(sharedLibsVerdict(found, providers));
  },
};

const parity: TemplateStep = {
  id: 'parity',
  title: 'the dev container and the app image share base layers and Python',
  run: async (state) => {
    const { engine } = state.context;
    const image = need(state.app.image, 'the app image');
    const dev = need(state.dev, 'the dev container');
    const base = need(state.app.baseImage, "the app stage's base image");
    const layers = async (of: string) => (safeJsonArray((await engine.docker(['image', 'inspect', '--format', '{{json .RootFS.Layers}}', of])).stdout) ?? []).map(String);
    const python = ['-c', 'import platform; print(platform.python_version())'];
    const devPython = await engine.docker(['exec', dev.container, 'python', ...python]);
    const appPython = await lookInside(state, image, 'python', python);
    if (!ok(devPython) || !ok(appPython)) throw failure('could not run python in the dev container or the app image', ok(devPython) ? appPython : devPython);
    return verdict(parityVerdict({
      devLayers: await layers(dev.image),
      appLayers: await layers(image),
      baseImage: base,
      baseLayers: await layers(base),
      baseBytes: Number((await engine.docker(['image', 'inspect', '--format', '{{.Size}}', base])).stdout.trim()),
      devPython: devPython.stdout.trim(),
      appPython: appPython.stdout.trim(),
    }));
  },
};

export const APP_IMAGE_STEPS: readonly TemplateStep[] = [appBuild, appSecrets, appBuildTools, appSharedLibs, parity];
