import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as path from 'node:path';
import { lastJsonLine } from '../devcontainer-cli';
import { appChain, expandedFrom, externalBaseImages, parseDockerfile } from '../dockerfile';
import { BUILD_TOOLS_PROBE, buildToolsVerdict, LOAD, loadVerdict, missingLibraries, parityVerdict, SHARED_LIBS_PROBE, sharedLibsVerdict, pipConfWithCredential, SECRET_ARG, secretsVerdict, stopVerdict, userVerdict, WORKER_TMP_PROBE, workerTmpVerdict, type Verdict } from './checks';
import { findInImage } from './image-scan';
import { burst } from './load';
import { isStandIn } from '../engine/base-images';
import { composeCliArgs, type Compose } from '../engine/compose';
import { parseCompose, type ComposeService } from '../compose';
import { sleep } from '../engine/docker';
import type { Engine } from '../engine/engine';
import { EngineError, type EngineLog } from '../engine/log';
import type { PackageIndex } from '../engine/package-index';
import type { Registry } from '../engine/registry';
import { getPath, isRecord, parseJsonc, scalarText } from '../jsonc';
import { loadTarget, templateOptions, type TargetRef } from '../pack';
import { ok, tail, type RunOptions, type RunResult } from '../proc';
import { stageFolder } from '../stage';
import { defaultOptionValues, type OptionVariant } from '../template-options';
import { baseImagesOrSkip, lintOrFail } from './common-steps';
import { runLabel, StepFailure, StepRecorder, StepSkip, type StepOutcome, type TemplateRun } from './steps';

/**
 * The end-to-end test of one template, as a user meets it: published to a registry, applied onto a sample
 * application, opened as a dev container, its smoke test run inside, then its production image built, run,
 * healthy, answering, stopped. Every container, image and folder it creates is recorded here and removed by
 * id at the end (unless --keep).
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
  keep: boolean;
  /** Docker Compose v2, fetched on first use: only templates whose dev container is a compose service ask. */
  compose: () => Promise<Compose>;
  healthTimeoutMs: number;
  /** docker stop must return within this (stagepack.json test bound; 3 s by default). */
  stopBoundMs: number;
  /** Namespace in the (temporary) registry. */
  namespace: string;
  /**
   * References already published in this run, by template folder: the variants of one template share one
   * publication (the registry refuses to publish a version twice, and the content is the same).
   */
  published: Map<string, string>;
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
}

/** The script the dev container runs, relative to the workspace. */
export const DEV_TEST_SCRIPT = '.devcontainer/test.sh';
/** Optional: the template's own checks of the app image, run with `sh -s` inside the running app container. */
export const APP_TEST_SCRIPT = '.devcontainer/app-test.sh';

interface Created {
  containers: string[];
  images: string[];
  networks: string[];
  volumes: string[];
  devImageReference?: string;
}

export async function testTemplate(template: TargetRef, context: TemplateTestContext, variant: OptionVariant = defaultVariant(template)): Promise<TemplateRun> {
  const options = variant.values;
  const variantLabel = context.feature ? `+${context.feature.target.folderName}` : variant.option ? `${variant.option}=${variant.value ?? ''}` : undefined;
  const run: TemplateRun = { template: template.folderName, variant: variantLabel, options, steps: [] };
  let featureReference = '';
  const recorder = new StepRecorder(runLabel(run), context.write);
  run.steps = recorder.steps;
  fs.mkdirSync(context.logDir, { recursive: true });
  const logFile = (name: string) => path.join(context.logDir, `${name}.log`);
  // The workspace folder name ends up in the dev container's image name (vsc-<name>-<hash>): unique per run.
  const workspace = path.join(context.workDir, `${template.folderName}-${path.basename(context.workDir).split('-').pop()}`);
  const created: Created = { containers: [], images: [], networks: [], volumes: [] };
  const idLabel = `org.stagepack.test-run=${path.basename(context.workDir)}`;
  let reference = '';
  let overrideConfig = '';
  let appImage = '';
  let appContainer = '';
  let hostPort = 0;
  let appPort = '';
  let appBaseImage = '';
  let devContainer = '';
  let devImage = '';
  /** Set when the applied devcontainer.json names a dockerComposeFile. */
  let composed: ComposedProject | undefined;
  /** The compose service the app runs as, when the compose file has one built from the `app` target. */
  let appService: ComposeService | undefined;

  /**
   * A command in the dev container, as the user's editor would run it (devcontainer exec). A compose-based
   * dev container is found by its compose project (COMPOSE_PROJECT_NAME), not by id labels.
   */
  const devExec = (command: readonly string[], options: RunOptions) => context.engine.devcontainer([
    'exec', '--workspace-folder', workspace, '--override-config', overrideConfig, '--docker-path', context.engine.client,
    ...(composed ? composeCliArgs(composed.tool) : ['--id-label', idLabel]), ...command,
  ], { ...options, env: { ...options.env, ...composed?.env } });

  await recorder.step('lint', 'lint the template', async () => lintOrFail(template));

  await recorder.step('publish', 'publish to the local registry', async () => {
    if (context.feature) {
      const { target, namespace } = context.feature;
      const featureCollection = path.join(context.workDir, 'feature-collection');
      stageFolder(target.absDir, path.join(featureCollection, target.folderName));
      const published = await context.engine.devcontainer(['features', 'publish', '--registry', context.registry.host, '--namespace', namespace, '--log-level', 'info', featureCollection], {
        logFile: logFile('publish-feature'),
        timeoutMs: 120_000,
      });
      const version = getPath(lastJsonLine(published.stdout), [target.folderName, 'version']);
      if (!ok(published) || typeof version !== 'string') throw failure('devcontainer features publish failed', published, logFile('publish-feature'));
      featureReference = `${context.registry.host}/${namespace}/${target.folderName}:${version}`;
    }
    const earlier = context.published.get(template.absDir);
    if (earlier) {
      reference = earlier;
      return `${reference} (published earlier in this run)${featureReference ? `, with ${featureReference}` : ''}`;
    }
    const collection = path.join(context.workDir, 'collection');
    fs.rmSync(collection, { recursive: true, force: true });
    stageFolder(template.absDir, path.join(collection, template.folderName));
    const result = await context.engine.devcontainer(['templates', 'publish', '--registry', context.registry.host, '--namespace', context.namespace, '--log-level', 'info', collection], {
      logFile: logFile('publish'),
      timeoutMs: 120_000,
    });
    const summary = lastJsonLine(result.stdout);
    const entry = getPath(summary, [template.folderName]);
    const version = getPath(entry, ['version']);
    if (!ok(result) || typeof version !== 'string') throw failure('devcontainer templates publish failed', result, logFile('publish'));
    reference = `${context.registry.host}/${context.namespace}/${template.folderName}:${version}`;
    context.published.set(template.absDir, reference);
    return { detail: `${reference}${featureReference ? `, with ${featureReference}` : ''}`, logFile: logFile('publish') };
  });

  await recorder.step('apply', 'apply onto the sample app', async () => {
    fs.cpSync(context.appDir, workspace, { recursive: true, verbatimSymlinks: true });
    const features = context.feature ? ['--features', JSON.stringify([{ id: featureReference, options: context.feature.options }])] : [];
    const result = await context.engine.devcontainer(['templates', 'apply', '--template-id', reference, '--template-args', JSON.stringify(options), ...features, '--workspace-folder', workspace, '--log-level', 'info'], {
      logFile: logFile('apply'),
      timeoutMs: 120_000,
    });
    if (!ok(result)) throw failure('devcontainer templates apply failed', result, logFile('apply'));
    for (const required of ['.devcontainer/devcontainer.json', DEV_TEST_SCRIPT]) {
      if (!fs.existsSync(path.join(workspace, required))) throw new StepFailure(`the applied workspace has no ${required}`, logFile('apply'));
    }
    const leftovers = findPlaceholderLeftovers(workspace);
    if (leftovers.length) throw new StepFailure(`placeholders left unsubstituted after apply:\n${leftovers.join('\n')}`, logFile('apply'));
    return { detail: `options ${JSON.stringify(options)} into ${workspace}`, logFile: logFile('apply') };
  });

  await recorder.step('base-images', 'make the base images available', async () => {
    const config = readDevcontainerConfig(workspace);
    let dockerfile = path.resolve(workspace, '.devcontainer', stringAt(config, ['build', 'dockerfile']) ?? '../Dockerfile');
    const args = getPath(config, ['build', 'args']);
    let buildArgs: Record<string, string> = isRecord(args) ? Object.fromEntries(Object.entries(args).map(([k, v]) => [k, scalarText(v) ?? ''])) : {};
    const serviceImages: string[] = [];
    if (getPath(config, ['dockerComposeFile']) !== undefined) {
      composed = readComposedProject(workspace, config, await composeTool(context), context);
      const dev = composed.services.find((s) => s.name === composed?.devService);
      if (!dev?.build) throw new StepFailure(`compose service "${composed.devService}" (devcontainer.json "service") has no build section in ${composed.files.join(', ')}`);
      dockerfile = path.resolve(dev.build.contextDir, dev.build.dockerfile);
      buildArgs = dev.build.args;
      // The other services' images (the database): pulled, or stood in for, like the base images.
      serviceImages.push(...composed.services.flatMap((s) => (s.image && !s.build ? [s.image] : [])));
    }
    const model = parseDockerfile(fs.readFileSync(dockerfile, 'utf8'));
    const images = [...new Set([...externalBaseImages(model, buildArgs), ...serviceImages])];
    const appRoot = appChain(model)?.[0];
    appBaseImage = expandedFrom(model, buildArgs).find((e) => e.stage === appRoot)?.image ?? '';
    await baseImagesOrSkip(context.engine, context.log, images);
    const standIns = [];
    for (const image of images) if (await isStandIn(context.engine, image)) standIns.push(image);
    return standIns.length ? `${images.join(', ')} (stand-in built from Debian packages: ${standIns.join(', ')})` : images.join(', ');
  });

  await recorder.step('dev-up', 'devcontainer up (development target)', async () => {
    overrideConfig = writeOverrideConfig(workspace, context.workDir, context.index.buildOptions, context.index.containerEnv);
    const project = composed;
    // With features, the CLI also builds an image of their content (dev_container_feature_content_temp):
    // ours are the ones that appear during this step. The index variables in the CLI's own environment are
    // for `${localEnv:PIP_INDEX_URL}` in feature options (see the python-dev-tools scenarios).
    const featureContentBefore = context.feature ? new Set(await featureContentImages(context.engine)) : new Set<string>();
    const result = await context.engine.devcontainer([
      'up', '--workspace-folder', workspace, '--override-config', overrideConfig, '--docker-path', context.engine.client,
      ...(project ? composeCliArgs(project.tool) : ['--id-label', idLabel]), '--log-level', 'info',
    ], { logFile: logFile('devcontainer-up'), timeoutMs: 900_000, env: { ...context.index.containerEnv, ...project?.env } });
    // Everything compose made for the project (the database's container, network and volume too): the
    // project name is this run's own, so its label matches nothing else.
    if (project) await recordComposeProject(context.engine, project.name, created);
    const outcome = lastJsonLine(result.stdout);
    const containerId = outcome?.containerId;
    if (typeof containerId === 'string') {
      created.containers.push(containerId);
      devContainer = containerId;
      devImage = (await context.engine.docker(['inspect', '--format', '{{.Image}}', containerId])).stdout.trim();
    }
    await recordDevImages(context.engine, workspace, typeof containerId === 'string' ? containerId : undefined, created);
    if (context.feature) for (const id of await featureContentImages(context.engine)) if (!featureContentBefore.has(id)) created.images.push(id);
    if (!ok(result) || outcome?.outcome !== 'success' || typeof containerId !== 'string') throw failure('devcontainer up failed', result, logFile('devcontainer-up'));
    return { detail: `container ${containerId.slice(0, 12)} as ${String(outcome.remoteUser)} in ${String(outcome.remoteWorkspaceFolder)}`, logFile: logFile('devcontainer-up') };
  });

  if (context.feature) {
    const feature = context.feature;
    await recorder.step('dev-feature', `the dev container has the feature ${feature.target.folderName}`, async () => {
      const label = await context.engine.docker(['inspect', '--format', '{{index .Config.Labels "devcontainer.metadata"}}', devImage]);
      const entries = safeJsonArray(label.stdout.trim()) ?? [];
      const ids = entries.map((e) => scalarText(getPath(e, ['id'])) ?? '').filter(Boolean);
      const found = ids.find((id) => id === featureReference || id.startsWith(`${featureReference.replace(/:[^:/]+$/, '')}:`));
      if (!found) throw new StepFailure(`the dev container's metadata names no ${featureReference} (it names: ${ids.join(', ') || 'nothing'})`);
      const installed = `installed from ${found} with options ${JSON.stringify(feature.options)}`;
      if (!feature.script) return installed;
      const result = await devExec(['bash', '-s'], { input: fs.readFileSync(feature.script, 'utf8'), logFile: logFile('dev-feature'), timeoutMs: 300_000 });
      if (!ok(result)) throw failure(`${path.basename(feature.script)} failed in the dev container`, result, logFile('dev-feature'));
      return { detail: `${installed}; ${checksPassed(result.stdout)}`, logFile: logFile('dev-feature') };
    });
  }

  await recorder.step('dev-exec', `devcontainer exec ${DEV_TEST_SCRIPT}`, async () => {
    const result = await devExec(['bash', DEV_TEST_SCRIPT], { logFile: logFile('devcontainer-exec'), timeoutMs: 600_000 });
    if (!ok(result)) throw failure(`${DEV_TEST_SCRIPT} failed in the dev container`, result, logFile('devcontainer-exec'));
    return { detail: checksPassed(result.stdout), logFile: logFile('devcontainer-exec') };
  });

  // A random canary goes into the build the ways credentials do: a BuildKit secret, the password of the
  // package index URL in pip.conf, and every ARG whose name invites a token. app-secrets looks for it.
  const canary = `stagepack-canary-${randomBytes(12).toString('hex')}`;
  const canaryChannels = ['a BuildKit secret'];
  const canaryOptions = (): string[] => {
    const secretFile = path.join(context.workDir, 'canary.secret');
    fs.writeFileSync(secretFile, `${canary}\n`, { mode: 0o600 });
    const options = [...context.index.buildOptions, '--secret', `id=stagepack-canary,src=${secretFile}`];
    const pipIndex = options.findIndex((o) => o.startsWith('id=pip.conf,src='));
    if (pipIndex >= 0) {
      const withCredential = path.join(context.workDir, 'pip-canary.conf');
      fs.writeFileSync(withCredential, pipConfWithCredential(fs.readFileSync(options[pipIndex].slice('id=pip.conf,src='.length), 'utf8'), canary), { mode: 0o600 });
      options[pipIndex] = `id=pip.conf,src=${withCredential}`;
      canaryChannels.push('the package index password in pip.conf');
    }
    const dockerfile = parseDockerfile(fs.readFileSync(path.join(workspace, 'Dockerfile'), 'utf8'));
    for (const name of new Set(dockerfile.instructions.filter((i) => i.keyword === 'ARG').flatMap((i) => i.properties.map((p) => p.name)))) {
      if (!SECRET_ARG.test(name)) continue;
      options.push('--build-arg', `${name}=${canary}`);
      canaryChannels.push(`--build-arg ${name}`);
    }
    return options;
  };

  await recorder.step('app-build', 'build the app target (BuildKit)', async () => {
    const iidFile = path.join(context.workDir, 'app.iid');
    // --no-cache: secrets are not part of BuildKit's cache key, so a cached layer never saw this run's
    // canary and the scan below would prove nothing. Cache mounts (pip's downloads) still apply.
    const result = await context.engine.docker(['build', '--no-cache', '--target', 'app', '--iidfile', iidFile, '--progress', 'plain', ...canaryOptions(), workspace], {
      logFile: logFile('app-build'),
      timeoutMs: 900_000,
    });
    if (fs.existsSync(iidFile)) {
      appImage = fs.readFileSync(iidFile, 'utf8').trim();
      created.images.push(appImage);
    }
    if (!ok(result) || !appImage) throw failure('docker build --target app failed', result, logFile('app-build'));
    const size = await context.engine.docker(['image', 'inspect', '--format', '{{.Size}}', appImage]);
    return { detail: `${appImage.replace('sha256:', '').slice(0, 12)}, ${(Number(size.stdout.trim()) / 1e6).toFixed(1)} MB`, logFile: logFile('app-build') };
  });

  await recorder.step('app-secrets', 'no build secret in any layer, the config or the history', async () => {
    const { findings, layers, unreadable } = await findInImage(context.engine, appImage, canary);
    return verdict(secretsVerdict(findings, layers, canaryChannels, unreadable));
  });

  await recorder.step('app-build-tools', 'no compilers or headers in the app image', async () => {
    const probe = await context.engine.docker(['run', '--rm', '--network', 'none', '--entrypoint', 'sh', appImage, '-c', BUILD_TOOLS_PROBE]);
    if (!ok(probe)) throw failure('could not look inside the app image (it needs /bin/sh)', probe);
    const size = async (image: string) => Number((await context.engine.docker(['image', 'inspect', '--format', '{{.Size}}', image])).stdout.trim());
    const added = appBaseImage ? (await size(appImage)) - (await size(appBaseImage)) : undefined;
    return verdict(buildToolsVerdict(probe.stdout, added, appBaseImage || 'its base image'));
  });

  await recorder.step('app-shared-libs', 'every shared library resolves in the app image', async () => {
    const probe = await context.engine.docker(['run', '--rm', '--network', 'none', '--entrypoint', 'sh', appImage, '-c', SHARED_LIBS_PROBE]);
    if (!ok(probe)) throw failure('could not run ldd in the app image (it needs /bin/sh, python and ldd)', probe);
    const found = missingLibraries(probe.stdout);
    const providers: Record<string, string | undefined> = {};
    if (found.missing.length) {
      // Only now is the builder stage built (from cache, usually) to ask dpkg which package ships each library.
      const iidFile = path.join(context.workDir, 'builder.iid');
      const built = await context.engine.docker(['build', '--target', 'builder', '--iidfile', iidFile, ...context.index.buildOptions, workspace], { logFile: logFile('builder-build') });
      const builder = fs.existsSync(iidFile) ? fs.readFileSync(iidFile, 'utf8').trim() : '';
      if (builder) created.images.push(builder);
      if (ok(built) && builder) {
        for (const library of new Set(found.missing.map((m) => m.library))) {
          const owner = await context.engine.docker(['run', '--rm', '--network', 'none', '--entrypoint', 'dpkg', builder, '-S', library]);
          providers[library] = ok(owner) ? owner.stdout.split('\n')[0].split(':')[0] : undefined;
        }
      }
    }
    return verdict(sharedLibsVerdict(found, providers));
  });

  await recorder.step('parity', 'the dev container and the app image share base layers and Python', async () => {
    const layers = async (image: string) => (safeJsonArray((await context.engine.docker(['image', 'inspect', '--format', '{{json .RootFS.Layers}}', image])).stdout) ?? []).map(String);
    const python = ['-c', 'import platform; print(platform.python_version())'];
    const devPython = await context.engine.docker(['exec', devContainer, 'python', ...python]);
    const appPython = await context.engine.docker(['run', '--rm', '--network', 'none', '--entrypoint', 'python', appImage, ...python]);
    if (!ok(devPython) || !ok(appPython)) throw failure('could not run python in the dev container or the app image', ok(devPython) ? appPython : devPython);
    return verdict(parityVerdict({
      devLayers: await layers(devImage),
      appLayers: await layers(appImage),
      baseImage: appBaseImage,
      baseLayers: await layers(appBaseImage),
      baseBytes: Number((await context.engine.docker(['image', 'inspect', '--format', '{{.Size}}', appBaseImage])).stdout.trim()),
      devPython: devPython.stdout.trim(),
      appPython: appPython.stdout.trim(),
    }));
  });

  await recorder.step('app-run', 'run the app image', async () => {
    const exposed = await context.engine.docker(['image', 'inspect', '--format', '{{json .Config.ExposedPorts}}', appImage]);
    const port = Object.keys(safeJson(exposed.stdout) ?? {}).map((p) => /^(\d+)\/tcp$/.exec(p)?.[1]).find(Boolean);
    if (!port) throw new StepFailure('the app image EXPOSEs no TCP port; add `EXPOSE <port>` to the app stage');
    appPort = port;
    appService = composed?.services.find((s) => s.name !== composed?.devService && s.build?.target === 'app');
    if (composed && appService) {
      // The compose file's own app service, next to the database the dev container started: built by
      // compose (BuildKit, its pip.conf secret), published on a free loopback port instead of the fixed one.
      const project = composed;
      const ports = path.join(context.workDir, 'compose.ports.yaml');
      fs.writeFileSync(ports, `services:\n  ${appService.name}:\n    ports: !override\n      - "127.0.0.1::${port}"\n`);
      const service = appService;
      const files = [...project.files, ports].flatMap((f) => ['--file', f]);
      const profiles = service.profiles.flatMap((p) => ['--profile', p]);
      const up = await context.engine.compose(project.tool, ['--project-name', project.name, ...files, ...profiles, 'up', '--detach', '--build', service.name], { env: project.env, logFile: logFile('app-run'), timeoutMs: 900_000 });
      const listed = await context.engine.compose(project.tool, ['--project-name', project.name, ...files, ...profiles, 'ps', '--all', '--quiet', service.name], { env: project.env });
      await recordComposeProject(context.engine, project.name, created);
      appContainer = listed.stdout.trim().split('\n')[0] ?? '';
      if (!ok(up) || !appContainer) throw failure(`docker compose up ${service.name} failed`, up, logFile('app-run'));
    } else {
      const result = await context.engine.docker(['run', '--detach', '--publish', `127.0.0.1::${port}`, appImage], { logFile: logFile('app-run') });
      appContainer = result.stdout.trim();
      if (appContainer) created.containers.push(appContainer);
      if (!ok(result) || !appContainer) throw failure('docker run failed', result, logFile('app-run'));
    }
    const mapped = await context.engine.docker(['port', appContainer, `${port}/tcp`]);
    hostPort = Number(/:(\d+)\s*$/m.exec(mapped.stdout)?.[1]);
    if (!hostPort) throw new StepFailure(`could not find the host port published for ${port}/tcp:\n${mapped.stdout}${mapped.stderr}`);
    const how = composed && appService ? `compose service ${appService.name} of project ${composed.name}` : 'container';
    return `${how} ${appContainer.slice(0, 12)}, port ${port} published on 127.0.0.1:${hostPort}`;
  });

  await recorder.step('app-healthy', 'wait until Docker reports the app healthy', () => waitHealthy(context, appContainer, logFile('app')));

  await recorder.step('app-http', 'the app answers HTTP on loopback', async () => {
    const response = await httpGet(`http://127.0.0.1:${hostPort}/`);
    if (response.status >= 500) throw new StepFailure(`GET / answered ${response.status}: ${response.body.slice(0, 200)}`);
    return `GET http://127.0.0.1:${hostPort}/ -> ${response.status} ${response.body.trim().slice(0, 80)}`;
  });

  // Only when the app ran as a service of the compose project: otherwise it runs alone, with no database.
  if (composed && appService) await recorder.step('app-database', 'the app answers through the compose project\'s database', async () => {
    const response = await httpGet(`http://127.0.0.1:${hostPort}/`);
    return verdict(databaseVerdict(response.status, response.body));
  });

  await recorder.step('app-load', `a burst of ${LOAD.requests} requests (${LOAD.concurrency} at a time) from loopback completes without errors`, async () => {
    return verdict(loadVerdict(await burst(`http://127.0.0.1:${hostPort}/`, LOAD)));
  });

  await recorder.step('app-user', 'the app runs as a non-root user with a high UID', async () => {
    const config = await context.engine.docker(['inspect', '--format', '{{.Config.User}}', appContainer]);
    // A process may end between the glob and the read (a HEALTHCHECK probe, a uWSGI worker recycling): -s and
    // `|| true` let it go; an empty list still fails the verdict.
    const result = await context.engine.docker(['exec', appContainer, 'sh', '-c', 'grep -Hs "^Uid:" /proc/[0-9]*/status || true']);
    if (!ok(result)) throw failure('could not read the processes\' users inside the app container', result);
    const uids = [...result.stdout.matchAll(/^\/proc\/(\d+)\/status:Uid:\s+(\d+)/gm)].map((m) => ({ pid: m[1], uid: Number(m[2]) }));
    return verdict(userVerdict(config.stdout.trim(), uids));
  });

  await recorder.step('app-worker-tmp', 'gunicorn workers keep their heartbeat in memory', async () => {
    const result = await context.engine.docker(['exec', appContainer, 'sh', '-c', WORKER_TMP_PROBE]);
    if (!ok(result)) throw failure('could not read the open files of the app container\'s processes', result);
    const found = workerTmpVerdict(result.stdout);
    if (!found) throw new StepSkip('no gunicorn worker heartbeat file is open: the server is not gunicorn');
    return verdict(found);
  });

  await recorder.step('app-exec', `the template's own checks of the app image (${APP_TEST_SCRIPT})`, async () => {
    const script = path.join(workspace, APP_TEST_SCRIPT);
    if (!fs.existsSync(script)) throw new StepSkip(`the template has no ${APP_TEST_SCRIPT}`);
    const result = await context.engine.docker(['exec', '-i', appContainer, 'sh', '-s'], { input: fs.readFileSync(script, 'utf8'), logFile: logFile('app-exec'), timeoutMs: 120_000 });
    if (!ok(result)) throw failure(`${APP_TEST_SCRIPT} failed in the app container`, result, logFile('app-exec'));
    return { detail: checksPassed(result.stdout), logFile: logFile('app-exec') };
  });

  await recorder.step('app-stop', `docker stop ends the app within ${context.stopBoundMs / 1000} s`, async () => {
    const started = Date.now();
    const result = await context.engine.docker(['stop', '--time', '10', appContainer]);
    const elapsed = Date.now() - started;
    if (!ok(result)) throw failure('docker stop failed', result);
    const exitCode = Number((await context.engine.docker(['inspect', '--format', '{{.State.ExitCode}}', appContainer])).stdout.trim());
    return verdict(stopVerdict(elapsed, exitCode, context.stopBoundMs));
  });

  await recorder.step('app-read-only', 'the app runs with a read-only root (tmpfs /tmp)', async () => {
    const result = await context.engine.docker(['run', '--detach', '--read-only', '--tmpfs', '/tmp', '--publish', `127.0.0.1::${appPort}`, appImage], { logFile: logFile('app-read-only') });
    const container = result.stdout.trim();
    if (container) created.containers.push(container);
    if (!ok(result) || !container) throw failure('docker run --read-only failed', result, logFile('app-read-only'));
    const health = await waitHealthy(context, container, logFile('app-read-only'));
    const mapped = await context.engine.docker(['port', container, `${appPort}/tcp`]);
    const port = Number(/:(\d+)\s*$/m.exec(mapped.stdout)?.[1]);
    const response = await httpGet(`http://127.0.0.1:${port}/`);
    await context.engine.docker(['stop', '--time', '10', container]);
    if (response.status >= 500) throw new StepFailure(`with a read-only root, GET / answered ${response.status}: ${response.body.slice(0, 200)}\nfix: write only to /tmp (or a documented volume), not to the image's own folders`);
    return `${health.detail}; GET / -> ${response.status}`;
  });

  await recorder.step('cleanup', context.keep ? 'keep everything (--keep)' : 'remove what the test created', async () => {
    if (context.keep) {
      const commands = [
        created.containers.length ? `docker rm -f ${[...new Set(created.containers)].join(' ')}` : '',
        created.images.length ? `docker rmi ${[...new Set(created.images)].join(' ')}` : '',
        created.networks.length ? `docker network rm ${created.networks.join(' ')}` : '',
        created.volumes.length ? `docker volume rm ${created.volumes.join(' ')}` : '',
        `rm -rf ${context.workDir}`,
      ].filter(Boolean);
      return `kept; logs in ${context.logDir}; remove later with: ${commands.join(' && ')}`;
    }
    return cleanUp(context, created);
  }, { always: true });

  // Logs of a passing run are noise; those of a failing one are what the user reads next.
  if (!recorder.hasFailed && !context.keep) fs.rmSync(context.logDir, { recursive: true, force: true });
  return run;
}

/** The `ok - ` lines of a check script's output (test.sh, app-test.sh), as one line of detail. */
export function checksPassed(stdout: string): string {
  const checks = stdout.split('\n').filter((l) => l.startsWith('ok - ')).map((l) => l.slice('ok - '.length));
  return `${checks.length} checks passed: ${checks.join('; ')}`;
}

function defaultVariant(template: TargetRef): OptionVariant {
  return { values: defaultOptionValues(templateOptions(loadTarget(template))) };
}

/** Polls Docker's health status of a container until healthy; fails on unhealthy, exit or timeout. */
async function waitHealthy(context: TemplateTestContext, container: string, logFile: string): Promise<StepOutcome> {
  const started = Date.now();
  let last = '';
  while (Date.now() - started < context.healthTimeoutMs) {
    const state = safeJson((await context.engine.docker(['inspect', '--format', '{{json .State}}', container])).stdout);
    const health = getPath(state, ['Health', 'Status']);
    if (getPath(state, ['Status']) === 'exited') {
      const logsResult = await context.engine.docker(['logs', container], { logFile });
      throw new StepFailure(`the app exited with code ${String(getPath(state, ['ExitCode']))} before becoming healthy:\n${tail(logsResult, 20)}`, logFile);
    }
    if (health === undefined) {
      throw new StepFailure(
        'the app image has no HEALTHCHECK, so Docker cannot tell when it is ready\n' +
          'fix: add a HEALTHCHECK to the app stage that uses the image\'s own Python, e.g. ' +
          'HEALTHCHECK --interval=5s CMD ["python", "-c", "import urllib.request; urllib.request.urlopen(\'http://127.0.0.1:8000/healthz\', timeout=2)"]',
      );
    }
    if (health === 'healthy') return { detail: `healthy after ${((Date.now() - started) / 1000).toFixed(1)} s` };
    const probes = getPath(state, ['Health', 'Log']);
    const lastProbe = Array.isArray(probes) ? probes[probes.length - 1] : undefined;
    last = `${String(health)}${lastProbe ? `; last probe exit ${String(getPath(lastProbe, ['ExitCode']))}: ${String(getPath(lastProbe, ['Output'])).trim().split('\n').slice(-2).join(' ')}` : ''}`;
    if (health === 'unhealthy') break;
    await sleep(500);
  }
  const logsResult = await context.engine.docker(['logs', container], { logFile });
  throw new StepFailure(
    `the app did not become healthy within ${context.healthTimeoutMs / 1000} s (${last})\n` +
      'fix: make the HEALTHCHECK path answer 2xx when the app is ready (healthCheckPath option), or raise --health-timeout\n' +
      `app log:\n${tail(logsResult, 12)}`,
    logFile,
  );
}

/** Removes, by id, exactly the containers and images this run recorded, then its folder. */
async function cleanUp(context: TemplateTestContext, created: Created): Promise<string> {
  const problems: string[] = [];
  if (created.containers.length) {
    const result = await context.engine.docker(['rm', '--force', '--volumes', ...new Set(created.containers)]);
    if (!ok(result)) problems.push(`docker rm: ${tail(result, 3)}`);
  }
  if (created.images.length) {
    const result = await context.engine.docker(['rmi', '--force', ...new Set(created.images)]);
    if (!ok(result) && !/No such image/.test(result.stderr)) problems.push(`docker rmi: ${tail(result, 3)}`);
  }
  // Compose's network and named volumes, once no container uses them.
  if (created.networks.length) {
    const result = await context.engine.docker(['network', 'rm', ...created.networks]);
    if (!ok(result)) problems.push(`docker network rm: ${tail(result, 3)}`);
  }
  if (created.volumes.length) {
    const result = await context.engine.docker(['volume', 'rm', ...created.volumes]);
    if (!ok(result)) problems.push(`docker volume rm: ${tail(result, 3)}`);
  }
  fs.rmSync(context.workDir, { recursive: true, force: true });
  if (problems.length) throw new StepFailure(`could not remove everything:\n${problems.join('\n')}`);
  const composeParts = created.networks.length || created.volumes.length ? `, ${created.networks.length} network(s), ${created.volumes.length} volume(s)` : '';
  return `removed ${new Set(created.containers).size} container(s), ${new Set(created.images).size} image(s)${composeParts} and ${context.workDir}`;
}

/**
 * The dev container's images: the one the container runs and every tag the CLI gave while building it
 * (`vsc-<workspace folder name>-<hash>[-uid]`). The workspace name is unique to this run, so the filter can
 * only match images this run built.
 */
async function featureContentImages(engine: Engine): Promise<string[]> {
  const listed = await engine.docker(['images', '--no-trunc', '--quiet', '--filter', 'reference=dev_container_feature_content_temp']);
  return listed.stdout.split('\n').map((l) => l.trim()).filter(Boolean);
}

async function recordDevImages(engine: Engine, workspace: string, containerId: string | undefined, created: Created): Promise<void> {
  if (containerId) {
    const image = await engine.docker(['inspect', '--format', '{{.Image}}', containerId]);
    if (ok(image) && image.stdout.trim()) created.images.push(image.stdout.trim());
  }
  const name = path.basename(workspace).toLowerCase().replace(/[^a-z0-9._-]/g, '');
  const listed = await engine.docker(['images', '--no-trunc', '--format', '{{.ID}} {{.Repository}}', '--filter', `reference=vsc-${name}-*`]);
  for (const line of listed.stdout.trim().split('\n').filter(Boolean)) {
    const [id, repository] = line.split(' ');
    if (repository.startsWith(`vsc-${name}-`)) created.images.push(id);
  }
}

/** A dev container that is a compose service: the project this run gives it and how to reach compose. */
interface ComposedProject {
  tool: Compose;
  /** COMPOSE_PROJECT_NAME: unique to this run, so compose's project label marks only what this run made. */
  name: string;
  /** The compose files devcontainer.json names, absolute, in order. */
  files: string[];
  /** Their services, a later file's definition of a service replacing an earlier one's. */
  services: (ComposeService & { build?: ComposeService['build'] & { contextDir: string } })[];
  devService: string;
  /** For the CLI and compose: the project name and, when the index is local, its pip.conf on the bridge. */
  env: Record<string, string>;
}

async function composeTool(context: TemplateTestContext): Promise<Compose> {
  try {
    return await context.compose();
  } catch (error) {
    if (error instanceof EngineError) throw new StepFailure(`${error.message}\nfix: ${error.hint}`);
    throw error;
  }
}

function readComposedProject(workspace: string, config: Record<string, unknown>, tool: Compose, context: TemplateTestContext): ComposedProject {
  const configDir = path.join(workspace, '.devcontainer');
  const named = getPath(config, ['dockerComposeFile']);
  const files = (Array.isArray(named) ? named : [named]).map((f) => path.resolve(configDir, String(f)));
  const services = new Map<string, ComposedProject['services'][number]>();
  for (const file of files) {
    if (!fs.existsSync(file)) throw new StepFailure(`the compose file ${file} named by devcontainer.json does not exist`);
    const model = parseCompose(fs.readFileSync(file, 'utf8'));
    if (model.errors.length) throw new StepFailure(`${file}:${model.errors[0].position.line}:${model.errors[0].position.column}: ${model.errors[0].message}`);
    for (const service of model.services) {
      services.set(service.name, { ...service, build: service.build && { ...service.build, contextDir: path.resolve(path.dirname(file), service.build.context) } });
    }
  }
  const name = `stagepack-${randomBytes(6).toString('hex')}`;
  return {
    tool,
    name,
    files,
    services: [...services.values()],
    devService: stringAt(config, ['service']) ?? '',
    env: { COMPOSE_PROJECT_NAME: name, ...(context.index.bridgePipConf ? { PIP_CONFIG_FILE: context.index.bridgePipConf } : {}) },
  };
}

/** Records, by id, every container, network, volume and image carrying this run's compose project label. */
async function recordComposeProject(engine: Engine, project: string, created: Created): Promise<void> {
  const filter = ['--filter', `label=com.docker.compose.project=${project}`];
  const ids = async (args: string[]) => (await engine.docker([...args, ...filter])).stdout.split('\n').map((l) => l.trim()).filter(Boolean);
  const add = (list: string[], found: string[]) => list.push(...found.filter((id) => !list.includes(id)));
  add(created.containers, await ids(['ps', '--all', '--quiet', '--no-trunc']));
  add(created.networks, await ids(['network', 'ls', '--quiet', '--no-trunc']));
  add(created.volumes, await ids(['volume', 'ls', '--quiet']));
  add(created.images, await ids(['images', '--quiet', '--no-trunc']));
}

/**
 * The app's answer at `/` when it runs beside the compose project's database: the sample apps report the
 * database server's version there (`"database": "15.x ..."`) when DATABASE_URL reaches it, null without one.
 */
export function databaseVerdict(status: number, body: string): Verdict {
  let database: unknown;
  try {
    database = getPath(JSON.parse(body), ['database']);
  } catch {
    database = undefined;
  }
  if (status === 200 && typeof database === 'string' && database) return { ok: true, detail: `GET / -> ${status}, database server ${database}` };
  return {
    ok: false,
    detail: `GET / answered ${status} without a database version (${body.trim().slice(0, 160)})\n` +
      'fix: the app service needs DATABASE_URL pointing at the database service (postgresql://USER:PASSWORD@db:5432/DB) and a depends_on it',
  };
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

function readDevcontainerConfig(workspace: string): Record<string, unknown> {
  const configPath = path.join(workspace, '.devcontainer', 'devcontainer.json');
  const doc = parseJsonc(fs.readFileSync(configPath, 'utf8'));
  if (doc.errors.length || !isRecord(doc.value)) {
    throw new StepFailure(`${configPath}:${doc.errors[0]?.position.line ?? 1}:${doc.errors[0]?.position.column ?? 1}: the applied devcontainer.json is not valid JSONC (${doc.errors[0]?.code ?? 'not an object'}); a substituted option value probably broke it`);
  }
  return doc.value;
}

function stringAt(value: unknown, jsonPath: string[]): string | undefined {
  const found = getPath(value, jsonPath);
  return typeof found === 'string' ? found : undefined;
}

function findPlaceholderLeftovers(dir: string): string[] {
  const found: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile()) continue;
    const file = path.join(entry.parentPath, entry.name);
    const text = fs.readFileSync(file, 'utf8');
    if (text.includes('${templateOption:')) found.push(path.relative(dir, file));
  }
  return found;
}

function failure(message: string, result: RunResult, logFile?: string): StepFailure {
  const why = result.timedOut ? 'timed out' : result.spawnError ? `could not start: ${result.spawnError}` : `exit code ${result.code ?? result.signal}`;
  return new StepFailure(`${message} (${why})\n${tail(result, 12)}`, logFile);
}

function verdict(result: Verdict): string {
  if (!result.ok) throw new StepFailure(result.detail);
  return result.detail;
}

function safeJsonArray(text: string): unknown[] | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return Array.isArray(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

function safeJson(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return isRecord(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

export function httpGet(url: string, timeoutMs = 5000): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    // A fresh connection per request (no keep-alive agent): servers may close an idle one at any moment.
    const request = http.get(url, { timeout: timeoutMs, agent: false }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => { body += chunk; });
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
    });
    request.on('timeout', () => request.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    request.on('error', (error) => reject(new StepFailure(`GET ${url} failed: ${error.message}`)));
  });
}
