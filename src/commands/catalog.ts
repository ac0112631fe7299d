import * as fs from 'node:fs';
import * as path from 'node:path';
import { catalogPage } from '../catalog-page';
import { EXIT, type ExitCode, type Io } from '../io';
import { readCollection, type Collection } from '../oci/catalog';
import { OciClient, RegistryError } from '../oci/client';
import { registryCredential, scrubSecrets } from '../oci/credentials';
import { printable } from '../render';
import { defaultFeaturesNamespace } from './publish';

export interface CatalogInput {
  /** REGISTRY/NAMESPACE, one or more. */
  references: string[];
  format: 'text' | 'json';
  /** Write a static catalogue site (index.html) into this folder. */
  html?: string;
}

/**
 * `stagepack catalog REGISTRY/NAMESPACE...`: what is published there, every version with its description and
 * options (see oci/catalog.ts). For a namespace given, the features namespace `publish` pairs with it is read
 * too when it exists (`ORG/templates` -> `ORG/features`, else `NS-features`).
 */
export async function catalogCommand(input: CatalogInput, io: Io): Promise<ExitCode> {
  const collections: Collection[] = [];
  const asked = new Set<string>();
  for (const reference of input.references) {
    const match = /^([^/]+)\/(.+?)\/*$/.exec(reference);
    if (!match) {
      io.stderr(`stagepack catalog: ${printable(reference)} is not REGISTRY/NAMESPACE\nfix: name a registry and a namespace, such as localhost:5000/stagepack/templates\n`);
      return EXIT.usage;
    }
    const [, registry, namespace] = match;
    const credential = await registryCredential(registry, { ...process.env, ...io.env });
    const client = new OciClient(registry, { credential });
    try {
      const given = await readCollection(client, namespace);
      if (!given) {
        io.stderr(`stagepack catalog: ${printable(reference)} has no collection listing (${registry}/${namespace}:latest does not exist)\nfix: name the namespace the collection was published to (stagepack publish prints it), such as ${registry}/stagepack/templates\n`);
        return EXIT.problems;
      }
      for (const collection of [given, given.kind === 'template' ? await pairedFeatures(client, namespace) : undefined]) {
        if (!collection || asked.has(`${registry}/${collection.namespace}`)) continue;
        asked.add(`${registry}/${collection.namespace}`);
        collections.push(collection);
      }
    } catch (error) {
      if (!(error instanceof RegistryError)) throw error;
      io.stderr(`stagepack catalog: ${scrubSecrets(error.message, credential)}\nfix: ${error.fix}\n`);
      return error.kind === 'protocol' ? EXIT.problems : EXIT.usage;
    }
  }

  if (input.html) {
    const dir = path.resolve(io.cwd, input.html);
    fs.mkdirSync(dir, { recursive: true });
    const file = path.join(dir, 'index.html');
    fs.writeFileSync(file, catalogPage(collections, new Date().toISOString()));
    io.stderr(`catalog: wrote ${path.relative(io.cwd, file) || file}\n`);
  }
  if (input.format === 'json') io.stdout(`${JSON.stringify({ collections }, null, 2)}\n`);
  else io.stdout(textCatalog(collections));
  return EXIT.ok;
}

async function pairedFeatures(client: OciClient, templatesNamespace: string): Promise<Collection | undefined> {
  const found = await readCollection(client, defaultFeaturesNamespace(templatesNamespace));
  return found?.kind === 'feature' ? found : undefined;
}

function textCatalog(collections: readonly Collection[]): string {
  const lines: string[] = [];
  for (const collection of collections) {
    lines.push(`${collection.kind}s in ${collection.registry}/${collection.namespace} (${collection.items.length})`);
    const width = Math.max(0, ...collection.items.map((i) => i.id.length));
    for (const item of collection.items) {
      const newest = item.versions[0];
      const versions = item.versions.map((v) => `${v.version}${v.tags.length ? ` (${v.tags.join(', ')})` : ''}`).join(', ') || 'no published version';
      lines.push(`  ${item.id.padEnd(width)}  ${versions}`);
      if (newest?.description) lines.push(`  ${' '.repeat(width)}  ${printable(newest.description)}`);
      const options = Object.keys(newest?.options ?? {});
      if (options.length) lines.push(`  ${' '.repeat(width)}  options: ${options.map(printable).join(', ')}`);
    }
    lines.push('');
  }
  return `${lines.join('\n')}`;
}
