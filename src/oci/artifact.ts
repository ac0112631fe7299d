import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Readable } from 'node:stream';
import { gunzipSync } from 'node:zlib';
import { parse as parseJsonc } from 'jsonc-parser';
import * as tar from 'tar-stream';

/**
 * What a published template or feature holds, and how it differs from a folder about to be published.
 *
 * The Dev Containers CLI publishes a folder as one layer, a tar of its files (`tar -c -C FOLDER .`, named
 * `.tgz` although it is not compressed; a gzipped one is read too). Every file is compared by content and by
 * its executable bit (a test.sh or install.sh that lost it is a change). The metadata file is the exception:
 * the CLI rewrites devcontainer-template.json before packing it (it adds `type`, `files`, `fileCount` and
 * `featureIds`, may narrow an `optionalPaths` folder to its only file, and re-indents; for a feature it adds
 * `currentId` when there are `legacyIds`), see cli src/spec-node/collectionCommonUtils/packageCommandImpl.ts.
 * So metadata is compared as data, without what the CLI derives: a comment or an indent is not a change, a
 * changed option default is.
 */
export interface ArtifactFile {
  path: string;
  sha256: string;
  executable: boolean;
  /** Kept for the metadata file only (compared as data). */
  text?: string;
}

export interface ArtifactDifference {
  path: string;
  change: 'changed' | 'added' | 'removed' | 'mode';
  /** For the metadata file: the JSON paths that differ (`options.port.default`), at most a few. */
  keys?: string[];
}

export type ArtifactKind = 'template' | 'feature';

export const METADATA_FILE: Record<ArtifactKind, string> = { template: 'devcontainer-template.json', feature: 'devcontainer-feature.json' };

const DERIVED_KEYS: Record<ArtifactKind, readonly string[]> = { template: ['type', 'files', 'fileCount', 'featureIds'], feature: ['currentId'] };

/** At most this many entries and bytes in one archive: a template is dozens of files and kilobytes. */
const MAX_ENTRIES = 10_000;
const MAX_UNPACKED_BYTES = 512 * 1024 * 1024;

/** The regular files of a layer; links and special files are reported as such (the CLI never packs them from a clean folder). */
export async function filesOfLayer(layer: Buffer, kind: ArtifactKind): Promise<ArtifactFile[]> {
  const bytes = layer[0] === 0x1f && layer[1] === 0x8b ? gunzipSync(layer, { maxOutputLength: MAX_UNPACKED_BYTES }) : layer;
  const extract = tar.extract();
  const files: ArtifactFile[] = [];
  let entries = 0;
  Readable.from([bytes]).pipe(extract);
  for await (const entry of extract) {
    if (++entries > MAX_ENTRIES) throw new Error(`the archive has more than ${MAX_ENTRIES} entries`);
    const name = path.posix.normalize(entry.header.name).replace(/^(\.\/)+/, '').replace(/\/+$/, '');
    const type = entry.header.type;
    if (type === 'directory' || name === '.' || name === '') {
      entry.resume();
      continue;
    }
    if (type !== 'file' && type !== 'contiguous-file') {
      entry.resume();
      files.push({ path: name, sha256: `(${type})`, executable: false });
      continue;
    }
    const hash = createHash('sha256');
    const keep = name === METADATA_FILE[kind];
    const chunks: Buffer[] = [];
    for await (const chunk of entry) {
      hash.update(chunk as Buffer);
      if (keep) chunks.push(chunk as Buffer);
    }
    files.push({ path: name, sha256: hash.digest('hex'), executable: ((entry.header.mode ?? 0) & 0o111) !== 0, ...(keep ? { text: Buffer.concat(chunks).toString('utf8') } : {}) });
  }
  return files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/** The regular files of a folder, as the CLI would pack them (links were refused before this is asked). */
export function filesOfFolder(dir: string, kind: ArtifactKind): ArtifactFile[] {
  const files: ArtifactFile[] = [];
  const visit = (rel: string) => {
    for (const entry of fs.readdirSync(path.join(dir, rel), { withFileTypes: true })) {
      const relPath = rel ? `${rel}/${entry.name}` : entry.name;
      const abs = path.join(dir, relPath);
      if (entry.isDirectory()) visit(relPath);
      else {
        const bytes = fs.readFileSync(abs);
        files.push({
          path: relPath,
          sha256: createHash('sha256').update(bytes).digest('hex'),
          executable: (fs.statSync(abs).mode & 0o111) !== 0,
          ...(relPath === METADATA_FILE[kind] ? { text: bytes.toString('utf8') } : {}),
        });
      }
    }
  };
  visit('');
  return files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/** How `local` (about to be published) differs from `published`; [] when publishing it would change nothing. */
export function compareArtifacts(local: readonly ArtifactFile[], published: readonly ArtifactFile[], kind: ArtifactKind): ArtifactDifference[] {
  const differences: ArtifactDifference[] = [];
  const theirs = new Map(published.map((f) => [f.path, f]));
  const localPaths = local.map((f) => f.path);
  for (const mine of local) {
    const other = theirs.get(mine.path);
    theirs.delete(mine.path);
    if (!other) differences.push({ path: mine.path, change: 'added' });
    else if (mine.path === METADATA_FILE[kind]) {
      const keys = metadataDifferences(mine.text ?? '', other.text ?? '', kind, localPaths);
      if (keys.length) differences.push({ path: mine.path, change: 'changed', keys });
    } else if (mine.sha256 !== other.sha256) differences.push({ path: mine.path, change: 'changed' });
    else if (mine.executable !== other.executable) differences.push({ path: mine.path, change: 'mode' });
  }
  for (const gone of theirs.keys()) differences.push({ path: gone, change: 'removed' });
  return differences.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/**
 * Where two metadata files differ as data, once what the CLI derives at packing time is set aside: the JSON
 * paths of the first few differences ([] when they are the same metadata). Text that is not a JSON object is
 * compared as text (`(file)` when it differs).
 */
export function metadataDifferences(localText: string, publishedText: string, kind: ArtifactKind, localPaths: readonly string[]): string[] {
  const mine = asObject(parseJsonc(localText));
  const theirs = asObject(parseJsonc(publishedText));
  if (!mine || !theirs) return localText === publishedText ? [] : ['(file)'];
  for (const key of DERIVED_KEYS[kind]) {
    delete mine[key];
    delete theirs[key];
  }
  if (kind === 'template' && Array.isArray(mine.optionalPaths)) mine.optionalPaths = mine.optionalPaths.map((p) => narrowedOptionalPath(p, localPaths));
  const found: string[] = [];
  collectDifferences(mine, theirs, '', found);
  return found;
}

const MAX_KEYS = 5;

function collectDifferences(a: unknown, b: unknown, at: string, found: string[]): void {
  if (found.length >= MAX_KEYS || canonical(a) === canonical(b)) return;
  const objectA = asObject(a);
  const objectB = asObject(b);
  if (!objectA || !objectB) {
    found.push(at || '(root)');
    return;
  }
  for (const key of [...new Set([...Object.keys(objectA), ...Object.keys(objectB)])].sort()) {
    collectDifferences(objectA[key], objectB[key], at ? `${at}.${key}` : key, found);
  }
}

/** The CLI replaces an `optionalPaths` entry `dir/*` whose folder holds one file with that file's path. */
function narrowedOptionalPath(entry: unknown, paths: readonly string[]): unknown {
  if (typeof entry !== 'string' || !entry.endsWith('/*') || entry.length < 3) return entry;
  const inside = paths.filter((p) => p.startsWith(entry.slice(0, -2)));
  return inside.length === 1 ? inside[0] : entry;
}

function asObject(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? { ...(value as Record<string, unknown>) } : undefined;
}

/** JSON with object keys sorted: the same data written in another key order is the same metadata. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}
