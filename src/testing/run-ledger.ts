import * as fs from 'node:fs';
import type { Engine } from '../engine/engine';
import { ok, tail } from '../proc';

/**
 * What one test run created, recorded the moment it exists (an id docker printed or wrote to an iidfile or
 * cidfile, a folder made), and removed by id at the end, whatever was thrown. Nothing is ever removed by a
 * broad name or label that could match someone else's: only these ids.
 */
export type ResourceKind = 'container' | 'image' | 'network' | 'volume' | 'folder';

/** Removal order: containers first (they hold images, networks and volumes), folders last. */
const ORDER: readonly ResourceKind[] = ['container', 'image', 'network', 'volume', 'folder'];

/**
 * Images that runs going on at the same time (`stagepack test --jobs N`) have recorded. Two runs can build
 * the very same image: BuildKit's cache gives the dev image of two variants that differ only in the app
 * stage one content-addressed id. The first run to finish must not remove it from under the other: an id
 * is removed by the last run that recorded it, when that run removes what it made.
 */
export class ImageClaims {
  private readonly holders = new Map<string, Set<RunLedger>>();

  claim(id: string, ledger: RunLedger): void {
    const set = this.holders.get(id) ?? new Set<RunLedger>();
    set.add(ledger);
    this.holders.set(id, set);
  }

  /** Drops the ledger's claim; true when no other run still holds the image (the caller removes it). */
  release(id: string, ledger: RunLedger): boolean {
    const set = this.holders.get(id);
    set?.delete(ledger);
    if (set && set.size > 0) return false;
    this.holders.delete(id);
    return true;
  }
}

export class RunLedger {
  private readonly items = new Map<ResourceKind, string[]>(ORDER.map((kind) => [kind, []]));
  /** Images that were there before the run (its base images): never recorded, whatever a build printed. */
  private readonly protectedImages = new Set<string>();

  /** `claims`: shared by the runs of one `stagepack test` that may go on at the same time. */
  constructor(private readonly claims?: ImageClaims) {}

  record(kind: ResourceKind, ...ids: readonly string[]): void {
    const list = this.items.get(kind) ?? [];
    for (const id of ids.map((i) => i.trim()).filter(Boolean)) {
      if (kind === 'image' && this.protectedImages.has(id)) continue;
      if (kind === 'image') this.claims?.claim(id, this);
      if (!list.includes(id)) list.push(id);
    }
  }

  /**
   * A build whose result equals an existing image (a fully cached one) names that image's id: the base
   * images a run uses are protected so that no such id is ever removed.
   */
  protect(...imageIds: readonly string[]): void {
    for (const id of imageIds.map((i) => i.trim()).filter(Boolean)) {
      this.protectedImages.add(id);
      const images = this.items.get('image') ?? [];
      if (images.includes(id)) {
        this.items.set('image', images.filter((i) => i !== id));
        // A base image after all: the claim goes, and nothing is removed.
        this.claims?.release(id, this);
      }
    }
  }

  list(kind: ResourceKind): readonly string[] {
    return this.items.get(kind) ?? [];
  }

  get empty(): boolean {
    return ORDER.every((kind) => this.list(kind).length === 0);
  }

  /** The commands that remove everything, for --keep. */
  removalCommands(): string[] {
    const commands: Record<ResourceKind, (ids: readonly string[]) => string> = {
      container: (ids) => `docker rm -f ${ids.join(' ')}`,
      image: (ids) => `docker rmi ${ids.join(' ')}`,
      network: (ids) => `docker network rm ${ids.join(' ')}`,
      volume: (ids) => `docker volume rm ${ids.join(' ')}`,
      folder: (ids) => `rm -rf ${ids.join(' ')}`,
    };
    return ORDER.filter((kind) => this.list(kind).length).map((kind) => commands[kind](this.list(kind)));
  }

  /**
   * Removes everything recorded, by id, in dependency order. Every kind is attempted even when an earlier
   * one fails; what could not be removed is returned with the engine's answer (and stays recorded).
   */
  async removeAll(engine: Engine): Promise<{ removed: Record<ResourceKind, number>; problems: string[]; /** Images left to another run that also recorded them. */ handedOver: number }> {
    const removed = { container: 0, image: 0, network: 0, volume: 0, folder: 0 } satisfies Record<ResourceKind, number>;
    const problems: string[] = [];
    // An image another live run also recorded is its to remove: it may still be running a container of it.
    const images = this.list('image');
    const mine = images.filter((id) => this.claims?.release(id, this) ?? true);
    let handedOver = images.length - mine.length;
    this.items.set('image', mine);
    const gone = (text: string) => /No such (container|image|network|volume)|not found/i.test(text);
    const remove = async (kind: Exclude<ResourceKind, 'folder'>, args: readonly string[]) => {
      const ids = this.list(kind);
      if (!ids.length) return;
      const result = await engine.docker([...args, ...ids], { timeoutMs: 300_000 });
      // A batch may fail for one id only: then each is retried alone, so one stubborn id does not keep the rest.
      const failed = ok(result) ? [] : await this.retryEach(engine, args, ids, gone);
      for (const [id, answer] of failed) problems.push(`${kind} ${id}: ${answer}`);
      removed[kind] = ids.length - failed.length;
      this.items.set(kind, failed.map(([id]) => id));
    };
    await remove('container', ['rm', '--force', '--volumes']);
    handedOver += await this.removeImages(engine, problems, removed, gone);
    await remove('network', ['network', 'rm']);
    await remove('volume', ['volume', 'rm', '--force']);
    const folders = this.list('folder');
    const left: string[] = [];
    for (const folder of folders) {
      try {
        fs.rmSync(folder, { recursive: true, force: true });
      } catch (error) {
        left.push(folder);
        problems.push(`folder ${folder}: ${(error as Error).message}`);
      }
    }
    removed.folder = folders.length - left.length;
    this.items.set('folder', left);
    return { removed, problems, handedOver };
  }

  /**
   * Images go by the names this run gave them first (`docker rmi NAME` untags; Docker deletes the image with
   * its last name), then by id. An id that still has a name after that carries another run's name: BuildKit's
   * cache gives another `stagepack test` (or the user) the very same image, and removing it by id would take
   * it from under them, so it is left to them. An id with no name left is removed with --force.
   */
  private async removeImages(engine: Engine, problems: string[], removed: Record<ResourceKind, number>, gone: (text: string) => boolean): Promise<number> {
    const all = this.list('image');
    const names = all.filter((image) => !isImageId(image));
    const ids = all.filter(isImageId);
    const failed: string[] = [];
    let leftToOthers = 0;
    for (const name of names) {
      const result = await engine.docker(['rmi', name], { timeoutMs: 120_000 });
      const answer = `${result.stdout}\n${result.stderr}`;
      if (ok(result) || gone(answer)) continue;
      failed.push(name);
      problems.push(`image ${name}: ${tail(result, 2)}`);
    }
    const unnamed: string[] = [];
    for (const id of ids) {
      const tags = await engine.docker(['image', 'inspect', '--format', '{{json .RepoTags}}', id], { timeoutMs: 30_000 });
      if (!ok(tags) && gone(`${tags.stdout}\n${tags.stderr}`)) continue;
      const named = ok(tags) && /"[^"]+"/.test(tags.stdout);
      if (named) leftToOthers++;
      else unnamed.push(id);
    }
    if (unnamed.length) {
      const result = await engine.docker(['rmi', '--force', ...unnamed], { timeoutMs: 300_000 });
      const stubborn = ok(result) ? [] : await this.retryEach(engine, ['rmi', '--force'], unnamed, gone);
      for (const [id, answer] of stubborn) {
        failed.push(id);
        problems.push(`image ${id}: ${answer}`);
      }
    }
    removed.image = all.length - failed.length - leftToOthers;
    this.items.set('image', failed);
    return leftToOthers;
  }

  private async retryEach(engine: Engine, args: readonly string[], ids: readonly string[], gone: (text: string) => boolean): Promise<[string, string][]> {
    const failed: [string, string][] = [];
    for (const id of ids) {
      const result = await engine.docker([...args, id], { timeoutMs: 120_000 });
      const answer = `${result.stdout}\n${result.stderr}`;
      if (ok(result) || gone(answer)) continue;
      // Someone else is already removing it (the Dev Containers CLI's own clean-up of `features test`
      // can still be at it when the CLI exits): it counts as removed once it is gone.
      if (/removal of container .* is already in progress/.test(answer) && (await goneWithin(engine, id, 60_000))) continue;
      failed.push([id, tail(result, 2)]);
    }
    return failed;
  }
}

/** An image id (sha256:... or bare hex) rather than a name the run gave an image. */
function isImageId(image: string): boolean {
  return image.startsWith('sha256:') || /^[0-9a-f]{12,64}$/.test(image);
}

/** Polls until docker no longer knows the object, up to `ms`. */
async function goneWithin(engine: Engine, id: string, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    const inspected = await engine.docker(['inspect', '--format', '{{.Id}}', id], { timeoutMs: 30_000 });
    if (!ok(inspected) && /No such (object|container)/i.test(inspected.stderr)) return true;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  return false;
}
