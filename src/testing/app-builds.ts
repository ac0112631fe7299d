import { randomBytes } from 'node:crypto';
import { parseDockerfile } from '../dockerfile';

/**
 * The app builds of one `stagepack test`: when a run may build its app image from BuildKit's cache without
 * weakening the secret scan.
 *
 * The scan looks for a canary that the build was given as a secret. Secrets are not part of BuildKit's cache
 * key, so a layer taken from the cache may have been made by an earlier build that was given something else
 * (last week's canary, or a user's real credentials): the scan would not find this run's canary in it even if
 * the template leaks. That is why an app image is built with `--no-cache` ("fresh").
 *
 * Within one `stagepack test` every build gets the same canary, and a cached build is accepted only when each
 * of its layers is byte for byte (same diff id) a layer of an image this run built fresh. Such a layer holds
 * this run's canary if the template leaks it, exactly as the fresh image's does, so scanning it proves what a
 * fresh build would. A cached build with any other layer is thrown away and the image built fresh. The check
 * is not a formality: BuildKit does not always hand out this run's result of a step (after two fresh builds
 * of one django step, a cached build was given an older run's layers). The variants of a template that
 * differ only after the Dockerfile's last layer (ENV, EXPOSE, CMD, HEALTHCHECK: a port, a worker count) then
 * cost one fresh build between them instead of one each.
 */

/** What decides whether two app builds can share layers. */
export interface AppBuildKey {
  /** The template's folder: builds of different templates are never compared. */
  template: string;
  /** The applied Dockerfile's text. */
  dockerfile: string;
  /** The --build-arg values (not the canary's, which every build of the run shares). */
  args: Readonly<Record<string, string>>;
}

/** Either build fresh now (and call `done` with the image's layers, or undefined when it failed), or try the cache. */
export type AppBuildPlan =
  | { fresh: true; done: (layers: readonly string[] | undefined) => void }
  | { fresh: false; sibling: string };

interface FreshBuild {
  key: AppBuildKey;
  label: string;
  /** The image's layers once built; undefined when the build failed. */
  layers: Promise<readonly string[] | undefined>;
}

export class AppBuilds {
  /** The one canary of this `stagepack test`: see above for why it is not one per run. */
  readonly canary = `stagepack-canary-${randomBytes(12).toString('hex')}`;
  private readonly fresh: FreshBuild[] = [];
  private readonly freshLayers = new Set<string>();

  /**
   * How the run `label` builds `key`: from the cache when a fresh build of this run (finished, or going on
   * now: it is waited for) has the same layers to offer, else fresh. A fresh plan is registered before this
   * returns, so that runs deciding at the same time find it.
   */
  async plan(key: AppBuildKey, label: string): Promise<AppBuildPlan> {
    for (;;) {
      const candidates = this.fresh.filter((f) => sharesLayers(f.key, key));
      if (!candidates.length) return this.begin(key, label);
      // The first that succeeded (they are in start order); one that failed cannot be reused.
      for (const candidate of candidates) {
        if (await candidate.layers) return { fresh: false, sibling: candidate.label };
      }
      // Every candidate failed: forget them, and build fresh (unless one appeared while we waited).
      // (Another run waiting on the same ones may have removed them already.)
      for (const failed of candidates) {
        const index = this.fresh.indexOf(failed);
        if (index >= 0) this.fresh.splice(index, 1);
      }
    }
  }

  /** The layers of `layers` that no fresh build of this run made: a cached build with any is not accepted. */
  notFresh(layers: readonly string[]): string[] {
    return layers.filter((layer) => !this.freshLayers.has(layer));
  }

  /**
   * Resolves when every fresh build registered so far has ended. The result BuildKit hands out for a step may
   * be one that a fresh build going on right now made: its layers count once that build ends.
   */
  async settled(): Promise<void> {
    await Promise.all(this.fresh.map((f) => f.layers));
  }

  /** Registers a fresh build of `key` by the run `label` (also the fallback after a cached build was not accepted). */
  begin(key: AppBuildKey, label: string): AppBuildPlan & { fresh: true } {
    let settle: (layers: readonly string[] | undefined) => void = () => undefined;
    const layers = new Promise<readonly string[] | undefined>((resolve) => (settle = resolve));
    this.fresh.push({ key, label, layers });
    return {
      fresh: true,
      done: (built) => {
        for (const layer of built ?? []) this.freshLayers.add(layer);
        settle(built);
      },
    };
  }
}

/** Instructions that make (or choose) a filesystem layer: a difference up to the last of them changes layers. */
const LAYER_KEYWORDS = new Set(['FROM', 'RUN', 'COPY', 'ADD', 'WORKDIR', 'ONBUILD']);

/**
 * True when two builds of one template can be expected to produce the same layers: the same build args, and
 * the same instructions (comments and line breaks aside) up to and including the last layer-making one. What
 * follows it (ENV, EXPOSE, CMD, HEALTHCHECK, USER, LABEL) only changes the image config. This is a prediction,
 * checked after the build by comparing layers; when it is wrong the cached build is simply not accepted.
 */
export function sharesLayers(a: AppBuildKey, b: AppBuildKey): boolean {
  if (a.template !== b.template || !sameArgs(a.args, b.args)) return false;
  const left = layerPrefix(a.dockerfile);
  const right = layerPrefix(b.dockerfile);
  return left.length > 0 && left.length === right.length && left.every((instruction, i) => instruction === right[i]);
}

/** The instructions up to the last layer-making one, each as one normalised line. */
function layerPrefix(dockerfile: string): string[] {
  const lines = parseDockerfile(dockerfile).instructions.map((i) => [i.keyword, ...i.flags.map((f) => `--${f.name}=${f.value}`), i.command].join(' '));
  let last = -1;
  lines.forEach((line, i) => {
    if (LAYER_KEYWORDS.has(line.split(' ')[0])) last = i;
  });
  return lines.slice(0, last + 1);
}

function sameArgs(a: Readonly<Record<string, string>>, b: Readonly<Record<string, string>>): boolean {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((k) => Object.hasOwn(b, k) && a[k] === b[k]);
}

/**
 * The Dockerfile steps a BuildKit build ran rather than took from its cache, read from its `--progress plain`
 * log (`#7 [app 2/5] RUN ...` then `#7 CACHED`, or output and `#7 DONE 1.2s`): what a rejected cached build
 * says it made anew.
 */
export function stepsRun(log: string): string[] {
  const names = new Map<string, string>();
  const cached = new Set<string>();
  const done = new Set<string>();
  for (const line of log.split('\n')) {
    const match = /^#(\d+) (.*)$/.exec(line);
    if (!match) continue;
    const [, id, rest] = match;
    // FROM is not a step that runs (its base image is only resolved), so it is left out.
    if (!names.has(id) && /^\[[^\]]+ \d+\/\d+\] (?!FROM )/.test(rest)) names.set(id, rest);
    else if (rest === 'CACHED') cached.add(id);
    else if (/^DONE\b/.test(rest)) done.add(id);
  }
  return [...names].filter(([id]) => done.has(id) && !cached.has(id)).map(([, name]) => name.replace(/\s+/g, ' ').slice(0, 100));
}
