import { PassThrough, type Readable } from 'node:stream';
import * as zlib from 'node:zlib';
import { Decompress as ZstdDecompress } from 'fzstd';
import * as tar from 'tar-stream';
import type { Engine } from '../engine/engine';
import { isRecord } from '../jsonc';
import { ok, tail } from '../proc';
import type { SecretFinding } from './checks';
import { StepFailure } from './steps';

/**
 * Looks for a byte string in every layer of an image, in its config and in its history, streaming
 * `docker save` through a tar parser: nothing is written to disk, and memory stays bounded (small JSON
 * entries are kept to be parsed; layers are only searched as they pass).
 *
 * Both layouts `docker save` writes are read: the classic one (manifest.json, `<id>.json`, `<dir>/layer.tar`)
 * and the OCI image layout of engines with the containerd image store (index.json, `blobs/sha256/<digest>`,
 * layers that may be gzip- or zstd-compressed). Each entry's format comes from its first bytes, not from its
 * name. A scan that cannot read a layer the manifest names (missing from the archive, corrupt, compressed in
 * a way we cannot read) does not pass: it reports the layer as unreadable, and the verdict fails.
 */

export interface ArchiveScan {
  findings: SecretFinding[];
  /** Layers the image's manifest names, and how many of them were read. */
  layers: number;
  /** Layers that could not be read, with why: a non-empty list must fail the check. */
  unreadable: string[];
}

type Format = 'gzip' | 'zstd' | 'tar' | 'json' | 'other';

interface EntryResult {
  format: Format;
  found: boolean;
  /** Why the entry could not be read (a decompression error), if it could not. */
  error?: string;
  /** Kept only for small JSON entries (manifests, configs, index.json). */
  text?: string;
}

/** JSON entries up to this size are kept for parsing; nothing larger is ever held in memory. */
const MAX_JSON_BYTES = 8 * 1024 * 1024;

export function sniffFormat(head: Buffer): Format {
  if (head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b) return 'gzip';
  if (head.length >= 4 && head.readUInt32LE(0) === 0xfd2fb528) return 'zstd';
  if (head.length >= 262 && head.subarray(257, 262).toString('latin1') === 'ustar') return 'tar';
  // An empty layer is an empty tar: its end-of-archive blocks of zeros only (docker's well-known 1,024 bytes).
  if (head.length >= 512 && head.every((byte) => byte === 0)) return 'tar';
  const first = head.subarray(0, 64).toString('utf8').trimStart()[0];
  if (first === '{' || first === '[') return 'json';
  return 'other';
}

/** Searches a stream of chunks for a needle, across chunk boundaries, keeping only needle-1 bytes. */
export class NeedleSearch {
  private carry = Buffer.alloc(0);
  found = false;
  constructor(private readonly needle: Buffer) {}
  push(chunk: Buffer): void {
    if (this.found || !chunk.length) return;
    const window = this.carry.length ? Buffer.concat([this.carry, chunk]) : chunk;
    if (window.includes(this.needle)) this.found = true;
    this.carry = Buffer.from(window.subarray(Math.max(0, window.length - (this.needle.length - 1))));
  }
}

/** Scans one archive entry: decompresses it by its format, searches it, keeps it if it is small JSON. */
/** Scans one archive entry: decompresses it by its format, searches it, keeps it if it is small JSON. */
async function scanEntry(entry: AsyncIterable<unknown>, needle: Buffer): Promise<EntryResult> {
  const search = new NeedleSearch(needle);
  const raw = new NeedleSearch(needle);
  let format: Format | undefined;
  let head = Buffer.alloc(0);
  let gunzip: zlib.Gunzip | undefined;
  let gunzipDone: Promise<void> = Promise.resolve();
  let zstd: ZstdDecompress | undefined;
  let kept: Buffer[] | undefined = [];
  let keptBytes = 0;
  let error: string | undefined;

  const start = (first: Buffer) => {
    format = sniffFormat(first);
    if (format === 'gzip') {
      const stream = (gunzip = zlib.createGunzip());
      stream.on('data', (chunk: Buffer) => search.push(chunk));
      gunzipDone = new Promise((done) => {
        stream.on('end', done);
        stream.on('error', (e) => {
          error ??= `gzip: ${e.message}`;
          done();
        });
      });
    } else if (format === 'zstd') {
      // fzstd decompresses synchronously inside push(): nothing queues up.
      zstd = new ZstdDecompress((chunk) => search.push(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength)));
    }
    if (format !== 'json') kept = undefined;
  };
  const feed = async (chunk: Buffer) => {
    // The raw bytes are searched too: a plain tar layer and the JSON entries are their own content.
    raw.push(chunk);
    if (kept) {
      keptBytes += chunk.length;
      if (keptBytes > MAX_JSON_BYTES) kept = undefined;
      else kept.push(chunk);
    }
    if (error) return;
    if (gunzip && !gunzip.write(chunk)) await new Promise<void>((resume) => gunzip?.once('drain', resume));
    if (zstd) {
      try {
        zstd.push(chunk);
      } catch (e) {
        error = `zstd: ${(e as Error).message}`;
      }
    }
  };
  for await (const piece of entry) {
    const chunk = Buffer.isBuffer(piece) ? piece : Buffer.from(piece as Uint8Array);
    if (format !== undefined) {
      await feed(chunk);
      continue;
    }
    // The format is known from the first 262 bytes (tar's magic is at 257).
    head = Buffer.concat([head, chunk]);
    if (head.length < 262) continue;
    start(head);
    await feed(head);
  }
  if (format === undefined) {
    start(head);
    await feed(head);
  }
  gunzip?.end();
  await gunzipDone;
  if (zstd && !error) {
    try {
      zstd.push(new Uint8Array(0), true);
    } catch (e) {
      error = `zstd: ${(e as Error).message}`;
    }
  }
  return { format: format ?? 'other', found: search.found || raw.found, error, text: kept ? Buffer.concat(kept).toString('utf8') : undefined };
}

/**
 * Scans a `docker save` archive (a stream). The image's layers, config and history come from manifest.json
 * (classic, and docker 25+'s OCI export) or from index.json and the OCI manifest it points at.
 */
export async function scanImageArchive(archive: Readable, needle: string): Promise<ArchiveScan> {
  const bytes = Buffer.from(needle);
  const entries = new Map<string, EntryResult>();
  const extract = tar.extract();
  archive.on('error', (error) => extract.destroy(error));
  archive.pipe(extract);
  for await (const entry of extract) {
    if (entry.header.type !== 'file') {
      entry.resume();
      continue;
    }
    entries.set(normalizeEntry(entry.header.name), await scanEntry(entry, bytes));
  }
  return verdictInput(entries, needle);
}

function normalizeEntry(name: string): string {
  return name.replace(/^\.\//, '');
}

function parse(text: string | undefined): unknown {
  try {
    return text === undefined ? undefined : JSON.parse(text);
  } catch {
    return undefined;
  }
}

function blobPath(digest: unknown): string {
  return typeof digest === 'string' ? `blobs/${digest.replace(':', '/')}` : '';
}

/** From what was read, which layers the image has, which hold the needle, and which could not be read. */
function verdictInput(entries: Map<string, EntryResult>, needle: string): ArchiveScan {
  let configName: string | undefined;
  let layerNames: string[] | undefined;
  const manifest = parse(entries.get('manifest.json')?.text);
  const first = Array.isArray(manifest) ? manifest[0] : undefined;
  if (isRecord(first) && typeof first.Config === 'string' && Array.isArray(first.Layers)) {
    configName = first.Config;
    layerNames = first.Layers.map(String);
  } else {
    // OCI layout only: index.json -> (an index ->) the image manifest -> config and layers, by digest.
    let node = parse(entries.get('index.json')?.text);
    for (let depth = 0; depth < 4 && isRecord(node) && Array.isArray(node.manifests); depth++) {
      const chosen = node.manifests.find((m) => isRecord(m) && typeof m.digest === 'string');
      node = isRecord(chosen) ? parse(entries.get(blobPath(chosen.digest))?.text) : undefined;
    }
    if (isRecord(node) && isRecord(node.config) && Array.isArray(node.layers)) {
      configName = blobPath(node.config.digest);
      layerNames = node.layers.map((l) => (isRecord(l) ? blobPath(l.digest) : ''));
    }
  }
  if (!configName || !layerNames) {
    return { findings: [], layers: 0, unreadable: ['the archive has neither a manifest.json nor an OCI index.json naming the image\'s config and layers'] };
  }
  const configEntry = entries.get(configName);
  const config = parse(configEntry?.text);
  const history = isRecord(config) && Array.isArray(config.history) ? config.history.filter(isRecord) : [];
  // History entries with empty_layer made no layer; the others match the layers in order.
  const makers = history.filter((h) => h.empty_layer !== true).map((h) => String(h.created_by ?? '?'));
  const findings: SecretFinding[] = [];
  const unreadable: string[] = [];
  if (!configEntry?.text) unreadable.push(`the image config ${configName} is missing from the archive`);
  layerNames.forEach((name, index) => {
    const entry = entries.get(name);
    const label = `layer ${index + 1} of ${layerNames.length} (${name})`;
    if (!entry) unreadable.push(`${label} is missing from the archive`);
    else if (entry.error) unreadable.push(`${label} could not be read: ${entry.error}`);
    else if (entry.format !== 'tar' && entry.format !== 'gzip' && entry.format !== 'zstd') unreadable.push(`${label} is neither a tar nor a gzip or zstd stream`);
    if (entry?.found) findings.push({ where: `layer ${index + 1} of ${layerNames.length}`, createdBy: shorten(makers[index] ?? '?') });
  });
  if (configEntry?.found) {
    const instruction = history.find((h) => String(h.created_by ?? '').includes(needle));
    findings.push({ where: 'image config/history', createdBy: shorten(String(instruction?.created_by ?? 'environment or labels')) });
  }
  return { findings, layers: layerNames.length, unreadable };
}

/** Streams `docker save IMAGE` through scanImageArchive. A failed save fails the step with the fix. */
export async function findInImage(engine: Engine, image: string, needle: string): Promise<ArchiveScan> {
  const pipe = new PassThrough();
  const scanned = scanImageArchive(pipe, needle).then(
    (scan) => ({ scan }),
    (error: Error) => {
      // The parser gave up: drain the rest, or docker save would block on a full pipe until its timeout.
      pipe.resume();
      return { error };
    },
  );
  const saved = await engine.docker(['save', image], { stdoutTo: pipe, timeoutMs: 600_000 });
  // A docker that never started wrote nothing and never ended the pipe.
  if (!pipe.writableEnded) pipe.end();
  const outcome = await scanned;
  if (!ok(saved)) throw new StepFailure(`docker save failed, so the layers could not be searched: ${tail(saved, 3)}\nfix: check the engine's log and free space, then rerun`);
  if ('error' in outcome) throw new StepFailure(`the saved image is not a readable tar archive (${outcome.error.message}), so the layers could not be searched\nfix: check the engine's log; rerun the test`);
  return outcome.scan;
}

function shorten(createdBy: string): string {
  const text = createdBy.replace(/^\/bin\/sh -c #\(nop\)\s*/, '').replace(/\s+/g, ' ').trim();
  return text.length > 120 ? `${text.slice(0, 117)}...` : text;
}
