import * as fs from 'node:fs';
import * as path from 'node:path';
import { lastJsonLine } from '../../devcontainer-cli';
import { parseCompose, type ComposeService } from '../../compose-file';
import { appChain, expandedFrom, externalBaseImages, parseDockerfile } from '../../dockerfile';
import { EngineError } from '../../engine';
import { BaseImageUnavailable, ensureBaseImages } from '../../engine/base-images';
import { applyOptions, pairedVariants } from '../../template-options';
import { loadTarget, templateOptions, type TargetRef } from '../../pack';
import { isStandIn } from '../../engine/base-images';
import { getPath, isRecord, parseJsonc, scalarText, setOwn } from '../../jsonc';
import { ok } from '../../proc';
import { copyForPublishing } from '../../publish-copy';
import { baseImagesOrSkip, lintOrFail } from '../common-steps';
import { composeTool, readComposedProject } from '../compose-project';
import { StepFailure, StepSkip } from '../steps';
import { DEV_TEST_SCRIPT, failure, logFile, need, outcome, readDevcontainerConfig, runCli, stringAt, type TemplateRunState } from '../template-run';
import type { TemplateStep } from './step';

/** The template as users meet it: linted, published, applied onto an app; then the images it needs. */

// A project (`stagepack test DIR`) has no template to lint or publish: it is tested as it is.
const lint: TemplateStep = { id: 'lint', title: 'lint the template', applies: (state) => !state.context.project, run: async (state) => lintOrFail(state.template) };

const publish: TemplateStep = {
  id: 'publish',
  title: 'publish to the local registry',
  applies: (state) => !state.context.project,
  run: async (state) => {
    const { context, template } = state;
    const cli = (args: string[], log: string) => runCli(state, args, { logFile: log, timeoutMs: 120_000 });
    if (context.feature) {
      const { target, namespace } = context.feature;
      const featureCollection = path.join(context.workDir, 'feature-collection');
      copyForPublishing(target.absDir, path.join(featureCollection, target.folderName));
      const log = logFile(state, 'publish-feature');
      const published = await cli(['features', 'publish', '--registry', context.registry.host, '--namespace', namespace, '--log-level', 'info', featureCollection], log);
      const version = getPath(lastJsonLine(published.stdout), [target.folderName, 'version']);
      if (!ok(published) || typeof version !== 'string') throw failure('devcontainer features publish failed', published, log);
      state.featureReference = `${context.registry.host}/${namespace}/${target.folderName}:${version}`;
    }
    const withFeature = state.featureReference ? `, with ${state.featureReference}` : '';
    const earlier = context.published.get(template.absDir);
    if (earlier) {
      state.reference = await earlier;
      return `${state.reference} (published earlier in this run)${withFeature}`;
    }
    const publication = publishTemplate(state);
    const shared = publication.then((p) => p.reference);
    // Handled here when no other variant waits for it; this run reports the failure itself below.
    shared.catch(() => undefined);
    context.published.set(template.absDir, shared);
    const { reference, log } = await publication;
    state.reference = reference;
    return outcome(`${reference}${withFeature}`, log);
  },
};

/**
 * The external base images of the template's Dockerfile under `values`, read from the template folder before
 * anything is applied (devcontainer.json's build.dockerfile and build.args, options substituted as the CLI
 * does); undefined for a compose dev container or a Dockerfile outside the template.
 */
export function templateBaseImages(template: TargetRef, values: Readonly<Record<string, string>>): string[] | undefined {
  const configFile = path.join(template.absDir, '.devcontainer', 'devcontainer.json');
  if (!fs.existsSync(configFile)) return undefined;
  const config = parseJsonc(applyOptions(fs.readFileSync(configFile, 'utf8'), values)).value;
  if (!isRecord(config)) return undefined;
  const inTemplate = (file: string) => file.startsWith(`${template.absDir}${path.sep}`) && fs.existsSync(file);
  const argsOf = (args: unknown): Record<string, string> => (isRecord(args) ? Object.fromEntries(Object.entries(args).map(([k, v]) => [k, scalarText(v) ?? ''])) : {});
  if (config.dockerComposeFile !== undefined) {
    // A compose dev container: the dev service's Dockerfile and build args, and the other services' images
    // (the database), from the template's compose files with the options applied.
    const named = Array.isArray(config.dockerComposeFile) ? config.dockerComposeFile : [config.dockerComposeFile];
    const services = new Map<string, ComposeService & { file: string }>();
    for (const name of named) {
      const file = path.resolve(path.dirname(configFile), String(name));
      if (!inTemplate(file)) return undefined;
      const model = parseCompose(applyOptions(fs.readFileSync(file, 'utf8'), values));
      if (model.errors.length) return undefined;
      for (const service of model.services) services.set(service.name, { ...service, file });
    }
    const dev = typeof config.service === 'string' ? services.get(config.service) : undefined;
    if (!dev?.build) return undefined;
    const dockerfile = path.resolve(path.dirname(dev.file), dev.build.context, dev.build.dockerfile);
    if (!inTemplate(dockerfile)) return undefined;
    const others = [...services.values()].flatMap((s) => (s.image && !s.build ? [s.image] : []));
    return [...new Set([...externalBaseImages(parseDockerfile(applyOptions(fs.readFileSync(dockerfile, 'utf8'), values)), dev.build.args), ...others])];
  }
  if (!isRecord(config.build)) return undefined;
  const dockerfile = path.resolve(path.dirname(configFile), stringAt(config, ['build', 'dockerfile']) ?? 'Dockerfile');
  if (!inTemplate(dockerfile)) return undefined;
  return externalBaseImages(parseDockerfile(applyOptions(fs.readFileSync(dockerfile, 'utf8'), values)), argsOf(getPath(config, ['build', 'args'])));
}

/**
 * Whether this machine can build the run's options: their base images are made available (pulled, or stood in
 * for) before anything is published. When they cannot be and the run varies one option, that value is tried
 * together with another option's value that changes the base images (pythonVersion=3.13 with
 * debianRelease=trixie, where Debian ships 3.13): the first such pair whose images can be had is tested
 * instead, and the step says so. Otherwise the run is skipped with the reason, as before.
 */
const fit: TemplateStep = {
  id: 'fit',
  title: 'the base images of these options can be had here',
  applies: (state) => !state.context.project && templateBaseImages(state.template, state.options) !== undefined,
  run: async (state) => {
    const { context, template } = state;
    const images = need(templateBaseImages(template, state.options), 'the base images');
    let unavailable: BaseImageUnavailable;
    try {
      await ensureBaseImages(context.engine, context.log, images);
      return images.join(', ');
    } catch (error) {
      if (error instanceof BaseImageUnavailable) unavailable = error;
      else if (error instanceof EngineError) throw new StepFailure(`${error.message}\nfix: ${error.hint}`);
      else throw error;
    }
    const why = `${unavailable.message} (${unavailable.hint})`;
    if (!state.varied) throw new StepSkip(why, true);
    const tried: string[] = [];
    for (const pair of pairedVariants(templateOptions(loadTarget(template)), state.options, state.varied)) {
      const pairImages = templateBaseImages(template, pair);
      if (!pairImages || pairImages.join() === images.join()) continue;
      const changed = Object.keys(pair).filter((k) => pair[k] !== state.options[k]);
      tried.push(changed.map((k) => `${k}=${pair[k]}`).join(', '));
      try {
        await ensureBaseImages(context.engine, context.log, pairImages);
      } catch (error) {
        if (error instanceof BaseImageUnavailable || error instanceof EngineError) continue;
        throw error;
      }
      const label = `${template.folderName}[${state.varied}=${state.options[state.varied] ?? ''}]`;
      const key = `${template.absDir}\0${JSON.stringify(Object.entries(pair).sort(([a], [b]) => a.localeCompare(b)))}`;
      const other = context.paired?.get(key);
      if (other) throw new StepSkip(`${why}; with ${tried[tried.length - 1]} its values are those ${other} tests (the same run twice would prove nothing more)`, true);
      context.paired?.set(key, label);
      for (const k of changed) setOwn(state.options, k, pair[k]);
      return `${why}; tested with ${tried[tried.length - 1]} instead, which this machine can build: ${pairImages.join(', ')}`;
    }
    throw new StepSkip(`${why}${tried.length ? `; nor with ${tried.join(' or ')}` : ''}`, true);
  },
};

/** Publishes the template to the run's registry once; the variants of the template share the reference. */
async function publishTemplate(state: TemplateRunState): Promise<{ reference: string; log: string }> {
  const { context, template } = state;
  const collection = path.join(context.workDir, 'collection');
  fs.rmSync(collection, { recursive: true, force: true });
  copyForPublishing(template.absDir, path.join(collection, template.folderName));
  const log = logFile(state, 'publish');
  const result = await runCli(state, ['templates', 'publish', '--registry', context.registry.host, '--namespace', context.namespace, '--log-level', 'info', collection], { logFile: log, timeoutMs: 120_000 });
  const version = getPath(lastJsonLine(result.stdout), [template.folderName, 'version']);
  if (!ok(result) || typeof version !== 'string') throw failure('devcontainer templates publish failed', result, log);
  return { reference: `${context.registry.host}/${context.namespace}/${template.folderName}:${version}`, log };
}

/** What a copy of a project leaves out: version control, local virtual environments, caches. */
const NOT_COPIED = new Set(['.git', '.venv', 'venv', 'node_modules', '__pycache__', '.mypy_cache', '.pytest_cache', '.ruff_cache', '.tox']);

const apply: TemplateStep = {
  id: 'apply',
  title: (state) => (state.context.project ? 'copy the project as it is (nothing applied)' : 'apply onto the sample app'),
  run: async (state) => {
    const { context, workspace } = state;
    if (context.project) {
      // A copy, so that what the dev container writes (postCreateCommand, caches) never lands in the user's project.
      fs.cpSync(context.appDir, workspace, { recursive: true, verbatimSymlinks: true, filter: (source) => !NOT_COPIED.has(path.basename(source)) });
      if (!fs.existsSync(path.join(workspace, '.devcontainer', 'devcontainer.json'))) throw new StepFailure(`${context.appDir} has no .devcontainer/devcontainer.json`);
      return `${context.appDir} into ${workspace} (without ${[...NOT_COPIED].join(', ')})`;
    }
    fs.cpSync(context.appDir, workspace, { recursive: true, verbatimSymlinks: true });
    const features = context.feature ? ['--features', JSON.stringify([{ id: need(state.featureReference, 'the feature reference'), options: context.feature.options }])] : [];
    const log = logFile(state, 'apply');
    const result = await runCli(
      state,
      ['templates', 'apply', '--template-id', need(state.reference, 'the template reference'), '--template-args', JSON.stringify(state.options), ...features, '--workspace-folder', workspace, '--log-level', 'info'],
      { logFile: log, timeoutMs: 120_000 },
    );
    if (!ok(result)) throw failure('devcontainer templates apply failed', result, log);
    for (const required of ['.devcontainer/devcontainer.json', DEV_TEST_SCRIPT]) {
      if (!fs.existsSync(path.join(workspace, required))) throw new StepFailure(`the applied workspace has no ${required}`, log);
    }
    const leftovers = findPlaceholderLeftovers(workspace);
    if (leftovers.length) throw new StepFailure(`placeholders left unsubstituted after apply:\n${leftovers.join('\n')}`, log);
    return outcome(`options ${JSON.stringify(state.options)} into ${workspace}`, log);
  },
};

/**
 * Reads where the dev container's Dockerfile really is (build.dockerfile and build.context, or the compose
 * dev service's build), which base images it and the compose services need, and makes them available.
 */
const baseImages: TemplateStep = {
  id: 'base-images',
  title: 'make the base images available',
  run: async (state) => {
    const { context, workspace } = state;
    const config = readDevcontainerConfig(workspace);
    const configDir = path.join(workspace, '.devcontainer');
    const args = getPath(config, ['build', 'args']);
    let build = {
      dockerfile: path.resolve(configDir, stringAt(config, ['build', 'dockerfile']) ?? 'Dockerfile'),
      context: path.resolve(configDir, stringAt(config, ['build', 'context']) ?? '.'),
      args: isRecord(args) ? Object.fromEntries(Object.entries(args).map(([k, v]) => [k, scalarText(v) ?? ''])) : {},
    };
    const serviceImages: string[] = [];
    if (config.dockerComposeFile !== undefined) {
      const composed = (state.composed = readComposedProject(workspace, config, await composeTool(context.compose), context.index));
      const dev = composed.services.find((s) => s.name === composed.devService);
      if (!dev?.build) throw new StepFailure(`compose service "${composed.devService}" (devcontainer.json "service") has no build section in ${composed.files.join(', ')}`);
      build = { dockerfile: path.resolve(dev.build.contextDir, dev.build.dockerfile), context: dev.build.contextDir, args: dev.build.args };
      // The other services' images (the database): pulled, or stood in for, like the base images.
      serviceImages.push(...composed.services.flatMap((s) => (s.image && !s.build ? [s.image] : [])));
    } else if (!isRecord(config.build)) {
      throw new StepFailure(`${path.join(configDir, 'devcontainer.json')}: the dev container has no "build" section, so there is no Dockerfile with an app target to test\nfix: build the dev container from the template's Dockerfile ("build": {"dockerfile": "../Dockerfile", "target": "development"})`);
    }
    if (!fs.existsSync(build.dockerfile)) throw new StepFailure(`the Dockerfile ${build.dockerfile} named by devcontainer.json does not exist in the applied workspace`);
    state.build = build;
    const model = parseDockerfile(fs.readFileSync(build.dockerfile, 'utf8'));
    const images = [...new Set([...externalBaseImages(model, build.args), ...serviceImages])];
    const appRoot = appChain(model)?.[0];
    state.app.baseImage = expandedFrom(model, build.args).find((e) => e.stage === appRoot)?.image;
    await baseImagesOrSkip(context.engine, context.log, images);
    for (const image of images) state.ledger.protect((await context.engine.docker(['image', 'inspect', '--format', '{{.Id}}', image])).stdout);
    const standIns = [];
    for (const image of images) if (await isStandIn(context.engine, image)) standIns.push(image);
    return standIns.length ? `${images.join(', ')} (stand-in built from Debian packages: ${standIns.join(', ')})` : images.join(', ');
  },
};

function findPlaceholderLeftovers(dir: string): string[] {
  const found: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile()) continue;
    const file = path.join(entry.parentPath, entry.name);
    if (fs.readFileSync(file, 'utf8').includes('${templateOption:')) found.push(path.relative(dir, file));
  }
  return found;
}

export const SETUP_STEPS: readonly TemplateStep[] = [lint, fit, publish, apply, baseImages];
