import * as path from 'node:path';
import { compareArtifacts, filesOfFolder, filesOfLayer, type ArtifactDifference, type ArtifactKind } from './artifact';
import { OciClient, RegistryError } from './client';

/**
 * What `publish` will do with each template or feature, decided before the Dev Containers CLI pushes
 * anything: a published version is immutable. The CLI skips a version that exists whatever its content
 * (cli#782), so a changed template whose version was not bumped would be reported as published while the
 * registry keeps serving the old files. Here it is compared first:
 * - `new`: the version is not in the registry; the CLI publishes it;
 * - `unchanged`: it is there with the same files (metadata compared as data, see artifact.ts);
 * - `refused`: it is there with other content; nothing is published, and the message names the files and the
 *   version to bump to.
 */
export type PlanAction =
  | { action: 'new' }
  | { action: 'unchanged'; digest: string; retag: MovingTag[] }
  | { action: 'refused'; differences: ArtifactDifference[]; suggestion: string }
  | { action: 'refused'; foreign: string; suggestion: string };

export interface PlanItem {
  kind: ArtifactKind;
  id: string;
  version: string;
  /** REGISTRY/NAMESPACE/ID */
  reference: string;
  /** The staged copy the CLI will pack. */
  dir: string;
  /** The template's own folder, as the user knows it (for the fix line). */
  displayDir: string;
}

export type PlannedItem = PlanItem & PlanAction;

/** The layer media type the CLI writes for a template or feature (cli containerCollectionsOCI.ts). */
export const DEVCONTAINERS_LAYER = 'application/vnd.devcontainers.layer.v1+tar';

export async function planItem(client: OciClient, repository: string, item: PlanItem): Promise<PlannedItem> {
  const tags = await client.tags(repository);
  if (!tags.includes(item.version)) return { ...item, action: 'new' };
  const fetched = await client.manifest(repository, item.version);
  if (!fetched) return { ...item, action: 'new' };
  const suggestion = nextFreeVersion(item.version, tags);
  const layer = fetched.manifest.layers?.find((l) => l.mediaType === DEVCONTAINERS_LAYER && l.digest);
  if (!layer?.digest || (fetched.manifest.layers?.length ?? 0) !== 1) {
    return { ...item, action: 'refused', foreign: `${item.reference}:${item.version} is not a ${item.kind} published by the Dev Containers CLI (its manifest has ${fetched.manifest.layers?.length ?? 0} layer(s), none of type ${DEVCONTAINERS_LAYER} alone)`, suggestion };
  }
  const published = await filesOfLayer(await client.blob(repository, layer.digest), item.kind);
  const differences = compareArtifacts(filesOfFolder(item.dir, item.kind), published, item.kind);
  if (!differences.length) return { ...item, action: 'unchanged', digest: fetched.digest, retag: missingMovingTags(tags) };
  return { ...item, action: 'refused', differences, suggestion };
}

export interface MovingTag {
  tag: string;
  /** The version it should name: the highest release in its range, as the CLI chooses it. */
  version: string;
}

/**
 * The moving tags that are missing: the CLI tags each release `MAJOR`, `MAJOR.MINOR` and `latest` when it is
 * the highest in that range (cli publishCommandImpl.ts, getSemanticTags), one PUT after another, the exact
 * version third. A publication stopped between those PUTs leaves the version there without `latest` (say);
 * the CLI then skips that version for ever. Tags that exist are never moved here, only missing ones named.
 */
export function missingMovingTags(tags: readonly string[]): MovingTag[] {
  const releases = tags.filter((t) => /^\d+\.\d+\.\d+$/.test(t)).map((t) => ({ tag: t, parts: t.split('.').map(Number) }));
  const highest = new Map<string, { tag: string; parts: number[] }>();
  const consider = (range: string, release: { tag: string; parts: number[] }) => {
    const current = highest.get(range);
    if (!current || compareParts(release.parts, current.parts) > 0) highest.set(range, release);
  };
  for (const release of releases) {
    consider(String(release.parts[0]), release);
    consider(`${release.parts[0]}.${release.parts[1]}`, release);
    consider('latest', release);
  }
  return [...highest].filter(([tag]) => !tags.includes(tag)).map(([tag, release]) => ({ tag, version: release.tag })).sort((a, b) => (a.tag < b.tag ? -1 : 1));
}

function compareParts(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < 3; i++) if (a[i] !== b[i]) return a[i] - b[i];
  return 0;
}

/** Sets the missing moving tags of an unchanged item to the manifests of the versions they should name. */
export async function restoreMovingTags(client: OciClient, repository: string, retag: readonly MovingTag[]): Promise<void> {
  for (const { tag, version } of retag) {
    const manifest = await client.manifest(repository, version);
    if (!manifest) throw new RegistryError('protocol', `${repository}:${version} disappeared while its tag ${tag} was being set`, 'rerun publish');
    await client.putManifest(repository, tag, manifest);
  }
}

/**
 * The smallest patch bump not taken yet: 1.0.0 -> 1.0.1 (or 1.0.2 when 1.0.1 exists). A prerelease or an
 * unusual version gets the same rule on its numbers.
 */
export function nextFreeVersion(version: string, taken: readonly string[]): string {
  const match = /^(\d+)\.(\d+)\.(\d+)/.exec(version);
  if (!match) return `a version other than ${version}`;
  const [major, minor] = [match[1], match[2]];
  let patch = Number(match[3]) + 1;
  while (taken.includes(`${major}.${minor}.${patch}`)) patch++;
  return `${major}.${minor}.${patch}`;
}

const CHANGE_WORDS: Record<ArtifactDifference['change'], string> = { changed: 'changed', added: 'added', removed: 'removed', mode: 'executable bit changed' };

/** One line per item, as publish and publish --dry-run print it. */
export function describePlanned(item: PlannedItem, dryRun: boolean): string {
  const what = `${item.kind} ${item.id} ${item.version}`;
  switch (item.action) {
    case 'new':
      return `${dryRun ? 'would publish' : 'new'} ${what} -> ${item.reference}`;
    case 'unchanged': {
      const retag = item.retag.length
        ? `; the tag(s) ${item.retag.map((r) => `${r.tag} (-> ${r.version})`).join(', ')} ${dryRun ? 'are missing (a publication stopped half-way) and would be set' : 'were missing (a publication stopped half-way) and are set again'}`
        : '';
      return `unchanged ${what} at ${item.reference} (${item.digest.slice(0, 19)}): the registry holds these very files${retag}`;
    }
    case 'refused': {
      const why = 'differences' in item
        ? `${item.reference}:${item.version} is already published with other content (${item.differences.map((d) => `${d.path}: ${CHANGE_WORDS[d.change]}${d.keys ? ` (${d.keys.join(', ')})` : ''}`).join(', ')})`
        : item.foreign;
      return `refused ${what}: ${why}; a published version never changes.\n  fix: set "version" in ${path.join(item.displayDir, item.kind === 'template' ? 'devcontainer-template.json' : 'devcontainer-feature.json')} to ${item.suggestion} (or a higher minor or major for new options or breaking changes), then publish again`;
    }
  }
}

export { RegistryError };
