import { DEVCONTAINERS_LAYER } from './publish-plan';
import { OciClient, RegistryError } from './client';

/**
 * What an organisation has published in a namespace, read back from the registry the way VS Code and
 * Codespaces would (they list a public namespace's templates from its collection listing, and show nothing
 * for a private one: spec#71, vscode-remote-release#4852 and #9977):
 * - the collection listing, `NAMESPACE:latest`, whose one layer (`devcontainer-collection.json`) names the
 *   templates or features the last publication held;
 * - each item's tags; every release version (`x.y.z`, `x.y.z-pre`) with the metadata the CLI put on its manifest
 *   (`dev.containers.metadata`), so the options are those of that very version; the moving tags (`1`, `1.2`,
 *   `latest`) with the version they name.
 */
export const COLLECTION_LAYER = 'application/vnd.devcontainers.collection.layer.v1+json';

export interface CatalogOption {
  type?: string;
  description?: string;
  default?: string | boolean;
  proposals?: string[];
  enum?: string[];
}

export interface CatalogVersion {
  version: string;
  digest: string;
  /** Moving tags that name this version (`1`, `1.0`, `latest`). */
  tags: string[];
  name?: string;
  description?: string;
  options: Record<string, CatalogOption>;
  keywords: string[];
}

export interface CatalogItem {
  kind: 'template' | 'feature';
  id: string;
  /** REGISTRY/NAMESPACE/ID */
  reference: string;
  /** Newest first. */
  versions: CatalogVersion[];
}

export interface Collection {
  kind: 'template' | 'feature';
  registry: string;
  namespace: string;
  items: CatalogItem[];
}

/** The kind and item ids the namespace's collection listing names; undefined when it has none (404). */
export async function readListing(client: OciClient, namespace: string): Promise<{ kind: 'template' | 'feature'; ids: string[] } | undefined> {
  const listingManifest = await client.manifest(namespace, 'latest');
  if (!listingManifest) return undefined;
  const layer = listingManifest.manifest.layers?.find((l) => l.mediaType === COLLECTION_LAYER && l.digest);
  if (!layer?.digest) throw new RegistryError('protocol', `${client.registry}/${namespace}:latest is not a devcontainers collection listing (no layer of type ${COLLECTION_LAYER})`, 'name the namespace a collection was published to, such as ORG/templates');
  let listing: { templates?: unknown; features?: unknown };
  try {
    listing = JSON.parse((await client.blob(namespace, layer.digest)).toString('utf8')) as typeof listing;
  } catch (error) {
    if (error instanceof RegistryError) throw error;
    throw new RegistryError('protocol', `the collection listing of ${client.registry}/${namespace} is not JSON`, 'publish the collection again');
  }
  const kind = Array.isArray(listing.features) && !Array.isArray(listing.templates) ? 'feature' : 'template';
  const entries = (kind === 'feature' ? listing.features : listing.templates) as unknown[] | undefined;
  const ids = [...new Set((entries ?? []).map((e) => (typeof e === 'object' && e !== null ? (e as { id?: unknown }).id : undefined)).filter((id): id is string => typeof id === 'string' && /^[a-z0-9][a-z0-9._-]*$/i.test(id)))].sort();
  return { kind, ids };
}

/** Reads one namespace's collection; undefined when the namespace has no listing (404). */
export async function readCollection(client: OciClient, namespace: string): Promise<Collection | undefined> {
  const listing = await readListing(client, namespace);
  if (!listing) return undefined;
  const { kind, ids } = listing;
  const items: CatalogItem[] = [];
  for (const id of ids) items.push(await readItem(client, kind, namespace, id));
  return { kind, registry: client.registry, namespace, items };
}

async function readItem(client: OciClient, kind: 'template' | 'feature', namespace: string, id: string): Promise<CatalogItem> {
  const repository = `${namespace}/${id}`;
  const tags = await client.tags(repository);
  const versions = tags.filter((t) => /^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/.test(t)).sort(compareVersions).reverse();
  const moving = tags.filter((t) => t === 'latest' || /^\d+(\.\d+)?$/.test(t));
  const digests = new Map<string, string>();
  const read: CatalogVersion[] = [];
  for (const version of versions) {
    const fetched = await client.manifest(repository, version);
    if (!fetched) continue;
    if (!fetched.manifest.layers?.some((l) => l.mediaType === DEVCONTAINERS_LAYER)) continue;
    digests.set(fetched.digest, version);
    read.push({ version, digest: fetched.digest, tags: [], ...metadataOf(fetched.manifest.annotations?.['dev.containers.metadata']) });
  }
  for (const tag of moving) {
    const fetched = await client.manifest(repository, tag);
    const version = fetched && digests.get(fetched.digest);
    if (version) read.find((v) => v.version === version)?.tags.push(tag);
  }
  for (const v of read) v.tags.sort(compareTags);
  return { kind, id, reference: `${client.registry}/${repository}`, versions: read };
}

/** The fields a catalogue shows, taken defensively from metadata the registry hands back (it is not ours). */
function metadataOf(annotation: string | undefined): Pick<CatalogVersion, 'name' | 'description' | 'options' | 'keywords'> {
  let data: Record<string, unknown> = {};
  try {
    const parsed: unknown = annotation ? JSON.parse(annotation) : {};
    if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) data = parsed as Record<string, unknown>;
  } catch {
    data = {};
  }
  const text = (value: unknown) => (typeof value === 'string' ? value : undefined);
  const strings = (value: unknown) => (Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : undefined);
  const options: Record<string, CatalogOption> = Object.create(null) as Record<string, CatalogOption>;
  if (typeof data.options === 'object' && data.options !== null && !Array.isArray(data.options)) {
    for (const [name, raw] of Object.entries(data.options as Record<string, unknown>)) {
      if (typeof raw !== 'object' || raw === null) continue;
      const spec = raw as Record<string, unknown>;
      options[name] = {
        type: text(spec.type),
        description: text(spec.description),
        ...(typeof spec.default === 'string' || typeof spec.default === 'boolean' ? { default: spec.default } : {}),
        ...(strings(spec.proposals) ? { proposals: strings(spec.proposals) } : {}),
        ...(strings(spec.enum) ? { enum: strings(spec.enum) } : {}),
      };
    }
  }
  return { name: text(data.name), description: text(data.description), options, keywords: strings(data.keywords) ?? [] };
}

/** Semantic order of x.y.z[-pre] (a prerelease before its release). */
export function compareVersions(a: string, b: string): number {
  const [coreA, preA] = a.split(/-(.*)/s);
  const [coreB, preB] = b.split(/-(.*)/s);
  const partsA = coreA.split('.').map(Number);
  const partsB = coreB.split('.').map(Number);
  for (let i = 0; i < 3; i++) if (partsA[i] !== partsB[i]) return partsA[i] - partsB[i];
  if (preA === preB) return 0;
  if (preA === undefined) return 1;
  if (preB === undefined) return -1;
  return preA < preB ? -1 : 1;
}

function compareTags(a: string, b: string): number {
  if (a === 'latest') return 1;
  if (b === 'latest') return -1;
  return a.length - b.length || (a < b ? -1 : 1);
}
