import * as assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Readable } from 'node:stream';
import * as zlib from 'node:zlib';
import { NeedleSearch, scanImageArchive, sniffFormat } from '../../src/testing/image-scan';
import { PACKAGE_ROOT } from '../../src/version';
import { tarOf } from './tar-of';

/**
 * Synthetic `docker save` archives of both layouts, built in memory: the canary must be found wherever a
 * real engine could put it (a plain, gzip or zstd layer; the config), and a layer the scan cannot read must
 * never let the check pass.
 */
const CANARY = 'stagepack-canary-0123456789abcdef';
const ZSTD_CANARY = 'stagepack-canary-zstd-fixture-0123456789';
const ZSTD_LAYER = fs.readFileSync(path.join(PACKAGE_ROOT, 'test', 'fixtures', 'image-scan', 'layer-with-canary.tar.zst'));

/** A layer: a ustar archive of the given files. */
const layer = tarOf;

/** The archive itself, entries in the order given (docker writes manifest.json last in the classic layout). */
async function archive(entries: [string, Buffer | string][]): Promise<Readable> {
  const bytes = await layer(Object.fromEntries(entries));
  // Small chunks, so that the canary straddles chunk boundaries somewhere.
  const pieces: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += 777) pieces.push(bytes.subarray(i, i + 777));
  return Readable.from(pieces);
}

const history = (steps: string[]) => steps.map((created_by) => ({ created_by }));
const digest = (content: Buffer | string) => `sha256:${createHash('sha256').update(content).digest('hex')}`;

async function classic(layers: Buffer[], config: object): Promise<Readable> {
  const configText = JSON.stringify(config);
  const names = layers.map((_l, i) => `layer${i}/layer.tar`);
  return archive([
    ...layers.map((l, i): [string, Buffer] => [names[i], l]),
    ['cfg.json', configText],
    ['manifest.json', JSON.stringify([{ Config: 'cfg.json', RepoTags: null, Layers: names }])],
  ]);
}

async function oci(layers: Buffer[], config: object, options: { dropLayer?: number } = {}): Promise<Readable> {
  const configText = JSON.stringify(config);
  const manifest = JSON.stringify({
    schemaVersion: 2,
    config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: digest(configText) },
    layers: layers.map((l) => ({ mediaType: 'application/vnd.oci.image.layer.v1.tar', digest: digest(l) })),
  });
  const blob = (content: Buffer | string): [string, Buffer | string] => [`blobs/${digest(content).replace(':', '/')}`, content];
  return archive([
    ['oci-layout', '{"imageLayoutVersion":"1.0.0"}'],
    ['index.json', JSON.stringify({ schemaVersion: 2, manifests: [{ mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: digest(manifest) }] })],
    blob(manifest),
    blob(configText),
    ...layers.filter((_l, i) => i !== options.dropLayer).map(blob),
  ]);
}

describe('the secret scan of docker save archives', () => {
  const base = () => layer({ 'usr/bin/python3': Buffer.alloc(50_000, 7) });
  const config = { history: history(['FROM python', 'RUN pip install']) };

  it('recognises each format by its first bytes', async () => {
    assert.equal(sniffFormat(zlib.gzipSync('x')), 'gzip');
    assert.equal(sniffFormat(ZSTD_LAYER), 'zstd');
    assert.equal(sniffFormat(await base()), 'tar');
    assert.equal(sniffFormat(Buffer.alloc(1024)), 'tar', "docker's empty layer");
    assert.equal(sniffFormat(Buffer.from('  {"a":1}')), 'json');
    assert.equal(sniffFormat(Buffer.from('BZh91AY&SY')), 'other');
  });

  it('finds a needle split across two chunks, keeping only needle-1 bytes', () => {
    const search = new NeedleSearch(Buffer.from(CANARY));
    search.push(Buffer.from(`xxxx${CANARY.slice(0, 10)}`));
    assert.equal(search.found, false);
    search.push(Buffer.from(`${CANARY.slice(10)}yyyy`));
    assert.equal(search.found, true);
  });

  it('classic layout, plain layers: finds the canary in the layer that holds it and names its instruction', async () => {
    const scan = await scanImageArchive(await classic([await base(), await layer({ 'etc/pip.conf': `password=${CANARY}` })], config), CANARY);
    assert.deepEqual(scan, { findings: [{ where: 'layer 2 of 2', createdBy: 'RUN pip install' }], layers: 2, unreadable: [] });
  });

  it('classic layout: a clean image passes with every layer read', async () => {
    const scan = await scanImageArchive(await classic([await base(), await layer({ 'app/main.py': 'print(1)' })], config), CANARY);
    assert.deepEqual(scan, { findings: [], layers: 2, unreadable: [] });
  });

  it('OCI layout: finds the canary inside a gzip-compressed layer', async () => {
    const secret = zlib.gzipSync(await layer({ 'etc/pip.conf': `index-url = https://u:${CANARY}@mirror/simple` }));
    assert.ok(!secret.includes(CANARY), 'the fixture must hide the canary behind compression');
    const scan = await scanImageArchive(await oci([zlib.gzipSync(await base()), secret], config), CANARY);
    assert.deepEqual(scan.findings, [{ where: 'layer 2 of 2', createdBy: 'RUN pip install' }]);
    assert.deepEqual(scan.unreadable, []);
  });

  it('OCI layout: finds the canary inside a zstd-compressed layer', async () => {
    assert.ok(!ZSTD_LAYER.includes(ZSTD_CANARY), 'the fixture must hide the canary behind compression');
    const scan = await scanImageArchive(await oci([await base(), ZSTD_LAYER], config), ZSTD_CANARY);
    assert.deepEqual(scan.findings, [{ where: 'layer 2 of 2', createdBy: 'RUN pip install' }]);
    assert.deepEqual(scan.unreadable, []);
  });

  it('finds the canary in the config and names the instruction of the history that holds it', async () => {
    const leaky = { history: history(['FROM python', `RUN |1 TOKEN=${CANARY} /bin/sh -c make`]) };
    const scan = await scanImageArchive(await oci([await base(), await layer({ a: 'b' })], leaky), CANARY);
    assert.deepEqual(scan.findings, [{ where: 'image config/history', createdBy: `RUN |1 TOKEN=${CANARY} /bin/sh -c make` }]);
  });

  it('reports a layer missing from the archive as unreadable, never as clean', async () => {
    const scan = await scanImageArchive(await oci([await base(), await layer({ a: 'b' })], config, { dropLayer: 1 }), CANARY);
    assert.equal(scan.findings.length, 0);
    assert.match(scan.unreadable.join('\n'), /^layer 2 of 2 \(blobs\/sha256\/[0-9a-f]{64}\) is missing from the archive$/);
  });

  it('reports a corrupt gzip layer and an unknown format as unreadable', async () => {
    const good = zlib.gzipSync(await layer({ 'etc/x': 'y'.repeat(100_000) }));
    const truncated = good.subarray(0, Math.floor(good.length / 2));
    const bzip = Buffer.concat([Buffer.from('BZh91AY&SY'), Buffer.alloc(400, 1)]);
    const scan = await scanImageArchive(await oci([truncated, bzip], config), CANARY);
    assert.equal(scan.unreadable.length, 2, scan.unreadable.join('\n'));
    assert.match(scan.unreadable[0], /layer 1 of 2 .* could not be read: gzip: unexpected end of file/);
    assert.match(scan.unreadable[1], /layer 2 of 2 .* is neither a tar nor a gzip or zstd stream/);
  });

  it('refuses an archive that names no image', async () => {
    const scan = await scanImageArchive(await archive([['hello.txt', 'not an image']]), CANARY);
    assert.deepEqual(scan.unreadable, ["the archive has neither a manifest.json nor an OCI index.json naming the image's config and layers"]);
  });
});
