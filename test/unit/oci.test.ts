import * as assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { gzipSync } from 'node:zlib';
import * as tar from 'tar-stream';
import { catalogPage } from '../../src/catalog-page';
import { compareVersions } from '../../src/oci/catalog';
import { compareArtifacts, filesOfFolder, filesOfLayer, metadataDifferences } from '../../src/oci/artifact';
import { OciClient, RegistryError } from '../../src/oci/client';
import { credentialFor, secretsOf, type CredentialSources } from '../../src/oci/credentials';
import { describePlanned, missingMovingTags, nextFreeVersion, planItem, restoreMovingTags, DEVCONTAINERS_LAYER } from '../../src/oci/publish-plan';

const b64 = (s: string) => Buffer.from(s).toString('base64');

function sources(over: Partial<CredentialSources> & { files?: Record<string, string>; helpers?: Record<string, string> } = {}): CredentialSources {
  return {
    env: over.env ?? { HOME: '/home/u' },
    readFile: over.readFile ?? ((f) => over.files?.[f]),
    runHelper: over.runHelper ?? (async (helper) => over.helpers?.[helper]),
    onPath: over.onPath ?? (() => false),
  };
}

describe('registry credentials, read where the Dev Containers CLI reads them', () => {
  it('takes DEVCONTAINERS_OCI_AUTH for the matching host first', async () => {
    const found = await credentialFor('reg.example.test:5443', sources({
      env: { HOME: '/home/u', DEVCONTAINERS_OCI_AUTH: 'other.test|a|b,reg.example.test:5443|ci|s3cret' },
      files: { '/home/u/.docker/config.json': JSON.stringify({ auths: { 'reg.example.test:5443': { auth: b64('x:y') } } }) },
    }));
    assert.deepEqual(found, { basic: b64('ci:s3cret'), source: 'DEVCONTAINERS_OCI_AUTH' });
  });

  it('reads config.json under DOCKER_CONFIG: a credHelpers entry before credsStore before auths', async () => {
    const config = { credHelpers: { 'reg.test': 'ecr' }, credsStore: 'desktop', auths: { 'reg.test': { auth: b64('a:plain') }, 'other.test': { auth: b64('o:p') } } };
    const files = { '/cfg/config.json': JSON.stringify(config) };
    const helpers = { ecr: JSON.stringify({ Username: 'AWS', Secret: 'from-ecr' }), desktop: JSON.stringify({ Username: 'd', Secret: 'from-store' }) };
    assert.deepEqual(await credentialFor('reg.test', sources({ env: { DOCKER_CONFIG: '/cfg' }, files, helpers })), { basic: b64('AWS:from-ecr'), source: 'docker-credential-ecr' });
    assert.deepEqual(await credentialFor('other.test', sources({ env: { DOCKER_CONFIG: '/cfg' }, files, helpers })), { basic: b64('d:from-store'), source: 'docker-credential-desktop' });
    // The store knows nothing of this host: the auths entry is used.
    assert.deepEqual(await credentialFor('other.test', sources({ env: { DOCKER_CONFIG: '/cfg' }, files, helpers: {} })), { basic: b64('o:p'), source: '/cfg/config.json (auths)' });
  });

  it('keeps an identity token as one (a helper marks it with the user name <token>)', async () => {
    const files = { '/home/u/.docker/config.json': JSON.stringify({ auths: { 'acr.test': { auth: '', identitytoken: 'refresh-me' } } }) };
    assert.deepEqual(await credentialFor('acr.test', sources({ files })), { identityToken: 'refresh-me', source: '/home/u/.docker/config.json (auths)' });
    const helpers = { store: JSON.stringify({ Username: '<token>', Secret: 'refresh-2' }) };
    const withStore = { '/home/u/.docker/config.json': JSON.stringify({ credsStore: 'store' }) };
    assert.deepEqual(await credentialFor('acr.test', sources({ files: withStore, helpers })), { identityToken: 'refresh-2', source: 'docker-credential-store' });
  });

  it('uses GITHUB_TOKEN for ghcr.io only, and nothing when nothing is configured', async () => {
    assert.deepEqual(await credentialFor('ghcr.io', sources({ env: { HOME: '/h', GITHUB_TOKEN: 'ghs_x' } })), { basic: b64('USERNAME:ghs_x'), source: 'GITHUB_TOKEN' });
    assert.equal(await credentialFor('ghcr.io', sources({ env: { HOME: '/h', GITHUB_TOKEN: 'ghs_x', GITHUB_HOST: 'ghe.example.test' } })), undefined);
    assert.equal(await credentialFor('reg.test', sources({ env: { HOME: '/h', GITHUB_TOKEN: 'ghs_x' } })), undefined);
  });

  it('asks the platform helper (pass when on PATH, else secret) only when config.json holds no auth at all', async () => {
    const asked: string[] = [];
    const runHelper = async (helper: string) => {
      asked.push(helper);
      return undefined;
    };
    await credentialFor('reg.test', sources({ runHelper, onPath: (n) => n === 'pass' }));
    await credentialFor('reg.test', sources({ runHelper }));
    await credentialFor('reg.test', sources({ runHelper, files: { '/home/u/.docker/config.json': JSON.stringify({ auths: { 'x.test': { auth: b64('a:b') } } }) } }));
    assert.deepEqual(asked, ['pass', 'secret']);
  });

  it('ignores a helper that answers nonsense, and a config.json that is not an object', async () => {
    const files = { '/home/u/.docker/config.json': JSON.stringify({ credsStore: 'broken', auths: { 'reg.test': { auth: b64('u:fallback') } } }) };
    assert.equal((await credentialFor('reg.test', sources({ files, helpers: { broken: 'not json' } })))?.source, '/home/u/.docker/config.json (auths)');
    assert.equal(await credentialFor('reg.test', sources({ files: { '/home/u/.docker/config.json': '[1, 2]' } })), undefined);
  });

  it('secretsOf lists the encoded and the decoded secret, never the user name alone', () => {
    assert.deepEqual(secretsOf({ basic: b64('ci:s3cret-pw'), source: 'x' }), [b64('ci:s3cret-pw'), 's3cret-pw']);
    assert.deepEqual(secretsOf({ identityToken: 'refresh-token', source: 'x' }), ['refresh-token']);
    assert.deepEqual(secretsOf(undefined), []);
  });
});

async function tarOf(entries: { name: string; content?: string; mode?: number; type?: 'file' | 'directory' | 'symlink'; linkname?: string }[]): Promise<Buffer> {
  const pack = tar.pack();
  for (const e of entries) {
    const header = { name: e.name, mode: e.mode ?? 0o644, type: e.type ?? 'file', linkname: e.linkname };
    if (header.type === 'file') pack.entry(header, e.content ?? '');
    else pack.entry(header);
  }
  pack.finalize();
  const chunks: Buffer[] = [];
  for await (const chunk of pack) chunks.push(Buffer.from(chunk as Uint8Array));
  return Buffer.concat(chunks);
}

const META = JSON.stringify({ id: 't', version: '1.0.0', name: 'T', options: { port: { type: 'string', default: '8000' } }, optionalPaths: ['.github/*'] });
/** What the CLI packs for META: derived keys added, key order changed, optionalPaths narrowed, re-indented. */
const PACKED_META = JSON.stringify({ name: 'T', id: 't', version: '1.0.0', options: { port: { default: '8000', type: 'string' } }, optionalPaths: ['.github/ci.yml'], type: 'dockerfile', files: ['a'], fileCount: 1, featureIds: [] }, null, 4);

describe('published artifacts compared with a folder about to be published', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stagepack-oci-'));
    fs.mkdirSync(path.join(dir, '.devcontainer'));
    fs.mkdirSync(path.join(dir, '.github'));
    fs.writeFileSync(path.join(dir, 'devcontainer-template.json'), `// authored\n${META}`);
    fs.writeFileSync(path.join(dir, 'Dockerfile'), 'FROM x AS base\n');
    fs.writeFileSync(path.join(dir, '.github', 'ci.yml'), 'on: push\n');
    fs.writeFileSync(path.join(dir, '.devcontainer', 'test.sh'), '#!/bin/sh\n', { mode: 0o755 });
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  const published = (over: Record<string, { content?: string; mode?: number } | null> = {}) => {
    const base: Record<string, { content: string; mode?: number }> = {
      'devcontainer-template.json': { content: PACKED_META },
      Dockerfile: { content: 'FROM x AS base\n' },
      '.github/ci.yml': { content: 'on: push\n' },
      '.devcontainer/test.sh': { content: '#!/bin/sh\n', mode: 0o755 },
    };
    const entries: { name: string; content?: string; mode?: number; type?: 'file' | 'directory' }[] = [{ name: './', type: 'directory' }, { name: './.devcontainer/', type: 'directory' }];
    for (const [name, value] of Object.entries({ ...base, ...over })) {
      if (value) entries.push({ name: `./${name}`, content: value.content ?? base[name]?.content, mode: value.mode ?? base[name]?.mode });
    }
    return tarOf(entries);
  };

  it('finds no difference between a folder and what the CLI packed from it (metadata compared as data)', async () => {
    assert.deepEqual(compareArtifacts(filesOfFolder(dir, 'template'), await filesOfLayer(await published(), 'template'), 'template'), []);
  });

  it('reads a gzipped layer too', async () => {
    assert.deepEqual(compareArtifacts(filesOfFolder(dir, 'template'), await filesOfLayer(gzipSync(await published()), 'template'), 'template'), []);
  });

  it('names every changed, added and removed file and a lost executable bit', async () => {
    fs.writeFileSync(path.join(dir, 'Dockerfile'), 'FROM y AS base\n');
    fs.writeFileSync(path.join(dir, 'NOTES.md'), 'new\n');
    fs.chmodSync(path.join(dir, '.devcontainer', 'test.sh'), 0o644);
    const layer = await published({ 'old.txt': { content: 'gone' } });
    assert.deepEqual(compareArtifacts(filesOfFolder(dir, 'template'), await filesOfLayer(layer, 'template'), 'template'), [
      { path: '.devcontainer/test.sh', change: 'mode' },
      { path: 'Dockerfile', change: 'changed' },
      { path: 'NOTES.md', change: 'added' },
      { path: 'old.txt', change: 'removed' },
    ]);
  });

  it('names the metadata keys that changed, not the ones the CLI derives', async () => {
    fs.writeFileSync(path.join(dir, 'devcontainer-template.json'), META.replace('"8000"', '"8080"').replace('"T"', '"T2"'));
    const differences = compareArtifacts(filesOfFolder(dir, 'template'), await filesOfLayer(await published(), 'template'), 'template');
    assert.deepEqual(differences, [{ path: 'devcontainer-template.json', change: 'changed', keys: ['name', 'options.port.default'] }]);
  });

  it('keeps an optionalPaths folder of two files as written (the CLI narrows only a lone file)', () => {
    assert.deepEqual(metadataDifferences(META, PACKED_META, 'template', ['.github/ci.yml', '.github/other.yml']), ['optionalPaths']);
    assert.deepEqual(metadataDifferences(META, PACKED_META, 'template', ['.github/ci.yml']), []);
  });

  it('reports a link in a layer as a file that differs, never reads through it', async () => {
    const layer = await tarOf([{ name: './Dockerfile', type: 'symlink', linkname: '/etc/passwd' }]);
    const files = await filesOfLayer(layer, 'template');
    assert.deepEqual(files, [{ path: 'Dockerfile', sha256: '(symlink)', executable: false }]);
  });
});

describe('nextFreeVersion and the plan lines', () => {
  it('suggests the smallest patch bump not taken', () => {
    assert.equal(nextFreeVersion('1.0.0', ['1.0.0', '1', '1.0', 'latest']), '1.0.1');
    assert.equal(nextFreeVersion('1.2.3', ['1.2.3', '1.2.4', '1.2.5']), '1.2.6');
    assert.equal(nextFreeVersion('2.0.0-beta.1', ['2.0.0-beta.1']), '2.0.1');
    assert.equal(nextFreeVersion('v1', ['v1']), 'a version other than v1');
  });

  it('finds the moving tags a stopped publication left missing, pointing each at the highest release of its range', () => {
    assert.deepEqual(missingMovingTags(['1', '1.0', '1.0.0', 'latest']), []);
    assert.deepEqual(missingMovingTags(['1.0.0', '1']), [{ tag: '1.0', version: '1.0.0' }, { tag: 'latest', version: '1.0.0' }]);
    // 1.10.0 is above 1.9.3 (numbers, not text); 2.0.0-rc.1 is no release; existing tags are never moved.
    assert.deepEqual(missingMovingTags(['1.9.3', '1.10.0', '2.0.0-rc.1', 'latest', '1.9']), [{ tag: '1', version: '1.10.0' }, { tag: '1.10', version: '1.10.0' }]);
  });

  it('a refused item names the files and the metadata file to bump, with the version', () => {
    const line = describePlanned({ kind: 'template', id: 'flask', version: '1.0.0', reference: 'r.test/ns/flask', dir: '/tmp/x', displayDir: 'templates/flask', action: 'refused', suggestion: '1.0.1', differences: [{ path: 'Dockerfile', change: 'changed' }, { path: 'devcontainer-template.json', change: 'changed', keys: ['options.port.default'] }] }, false);
    assert.match(line, /^refused template flask 1\.0\.0: r\.test\/ns\/flask:1\.0\.0 is already published with other content \(Dockerfile: changed, devcontainer-template\.json: changed \(options\.port\.default\)\)/);
    assert.match(line, /fix: set "version" in templates\/flask\/devcontainer-template\.json to 1\.0\.1/);
  });
});

/**
 * A registry in miniature on loopback, for the client's protocol: auth challenges, redirects, digests. The
 * real registry (Debian's docker-registry, with TLS and htpasswd) is exercised by the e2e tests.
 */
interface FakeRegistry {
  host: string;
  port: number;
  requests: { url: string; authorization?: string; host?: string }[];
  close(): Promise<void>;
}

async function fakeRegistry(handler: (req: http.IncomingMessage, res: http.ServerResponse) => void): Promise<FakeRegistry> {
  const requests: FakeRegistry['requests'] = [];
  const server = http.createServer((req, res) => {
    requests.push({ url: req.url ?? '', authorization: req.headers.authorization, host: req.headers.host });
    handler(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return { host: `localhost:${port}`, port, requests, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

describe('OciClient against a registry in miniature', () => {
  let registry: FakeRegistry | undefined;
  afterEach(async () => registry?.close());

  const layerBytes = Buffer.from('layer');
  const layerDigest = `sha256:${createHash('sha256').update(layerBytes).digest('hex')}`;

  it('answers a Basic challenge with the credential, and says 404 is "not there"', async () => {
    registry = await fakeRegistry((req, res) => {
      if (req.headers.authorization !== `Basic ${b64('ci:pw-secret')}`) {
        res.writeHead(401, { 'www-authenticate': 'Basic realm="registry"' }).end();
      } else if (req.url === '/v2/ns/t/tags/list?n=1000') {
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ name: 'ns/t', tags: ['1.0.0', 'latest'] }));
      } else res.writeHead(404).end();
    });
    const client = new OciClient(registry.host, { credential: { basic: b64('ci:pw-secret'), source: 'test' } });
    assert.deepEqual(await client.tags('ns/t'), ['1.0.0', 'latest']);
    assert.equal(await client.manifest('ns/t', '9.9.9'), undefined);
    // The second request sends the accepted credential at once.
    assert.equal(registry.requests.filter((r) => !r.authorization).length, 1);
  });

  it('fails with the source of the credentials, never the credentials, when they are refused', async () => {
    registry = await fakeRegistry((_req, res) => res.writeHead(401, { 'www-authenticate': 'Basic realm="registry"' }).end());
    const client = new OciClient(registry.host, { credential: { basic: b64('ci:pw-secret'), source: 'DEVCONTAINERS_OCI_AUTH' } });
    const error = await client.tags('ns/t').then(() => undefined, (e: unknown) => e);
    assert.ok(error instanceof RegistryError);
    assert.equal(error.kind, 'auth');
    assert.match(error.message, /refused the tags of ns\/t \(401\) with the credentials from DEVCONTAINERS_OCI_AUTH/);
    assert.doesNotMatch(`${error.message} ${error.fix}`, /pw-secret|Y2k6/);
  });

  it('gets a Bearer token from the realm with the credential, for the challenged scope', async () => {
    let tokenRequests = 0;
    registry = await fakeRegistry((req, res) => {
      const url = new URL(req.url ?? '', 'http://x');
      if (url.pathname === '/token') {
        tokenRequests++;
        assert.equal(url.searchParams.get('scope'), 'repository:ns/t:pull');
        assert.equal(url.searchParams.get('service'), 'fake');
        if (req.headers.authorization === `Basic ${b64('ci:pw')}`) res.writeHead(200).end(JSON.stringify({ access_token: 'tok-1' }));
        else res.writeHead(401).end();
      } else if (req.headers.authorization !== 'Bearer tok-1') {
        res.writeHead(401, { 'www-authenticate': `Bearer realm="http://127.0.0.1:${registry?.port}/token",service="fake",scope="repository:ns/t:pull"` }).end();
      } else res.writeHead(200).end(JSON.stringify({ tags: ['1.0.0'] }));
    });
    const client = new OciClient(registry.host, { credential: { basic: b64('ci:pw'), source: 'test' } });
    assert.deepEqual(await client.tags('ns/t'), ['1.0.0']);
    assert.deepEqual(await client.tags('ns/t'), ['1.0.0']);
    assert.equal(tokenRequests, 1, 'the token is kept for its scope');
  });

  it('follows a blob redirect to its end, without sending the credential to the other host, and checks the digest', async () => {
    registry = await fakeRegistry((req, res) => {
      if (req.url === `/v2/ns/t/blobs/${layerDigest}` && req.headers.host?.startsWith('localhost')) {
        if (req.headers.authorization !== `Basic ${b64('ci:pw')}`) res.writeHead(401, { 'www-authenticate': 'Basic realm="r"' }).end();
        else res.writeHead(307, { location: `http://127.0.0.1:${registry?.port}/storage/blob` }).end();
      } else if (req.url === '/storage/blob') res.writeHead(200).end(layerBytes);
      else if (req.url === '/v2/ns/t/blobs/sha256:0000') res.writeHead(200).end(layerBytes);
      else res.writeHead(404).end();
    });
    const client = new OciClient(registry.host, { credential: { basic: b64('ci:pw'), source: 'test' } });
    assert.deepEqual(await client.blob('ns/t', layerDigest), layerBytes);
    const storage = registry.requests.find((r) => r.url === '/storage/blob');
    assert.equal(storage?.authorization, undefined, 'the credential stays with the registry');
    await assert.rejects(client.blob('ns/t', 'sha256:0000'), /returned bytes for sha256:0000 of ns\/t whose digest is sha256:/);
  });

  it('a redirect that ends in an error is an error, not an answer', async () => {
    registry = await fakeRegistry((req, res) => {
      if (req.url?.startsWith('/v2/')) res.writeHead(302, { location: '/elsewhere' }).end();
      else res.writeHead(500).end();
    });
    await assert.rejects(new OciClient(registry.host).manifest('ns/t', '1.0.0'), /answered 500 for the manifest ns\/t:1\.0\.0/);
  });

  it('says a registry that does not answer does not answer', async () => {
    registry = await fakeRegistry((_req, res) => res.end());
    const port = registry.port;
    await registry.close();
    registry = undefined;
    const error = await new OciClient(`localhost:${port}`).tags('ns/t').then(() => undefined, (e: unknown) => e);
    assert.ok(error instanceof RegistryError && error.kind === 'unreachable', String(error));
  });

  it('sets a missing tag to the exact bytes of the version\'s manifest, pushing with the credential', async () => {
    const manifest = Buffer.from(JSON.stringify({ schemaVersion: 2, layers: [] }));
    const put: { url: string; body: string; type?: string }[] = [];
    registry = await fakeRegistry((req, res) => {
      if (req.headers.authorization !== `Basic ${b64('ci:pw')}`) {
        res.writeHead(401, { 'www-authenticate': 'Basic realm="r"' }).end();
        return;
      }
      if (req.method === 'GET' && req.url === '/v2/ns/t/manifests/1.0.0') res.writeHead(200, { 'content-type': 'application/vnd.oci.image.manifest.v1+json' }).end(manifest);
      else if (req.method === 'PUT') {
        let body = '';
        req.on('data', (c: Buffer) => { body += c.toString(); });
        req.on('end', () => {
          put.push({ url: req.url ?? '', body, type: req.headers['content-type'] });
          res.writeHead(201).end();
        });
      } else res.writeHead(404).end();
    });
    await restoreMovingTags(new OciClient(registry.host, { credential: { basic: b64('ci:pw'), source: 'test' } }), 'ns/t', [{ tag: 'latest', version: '1.0.0' }]);
    assert.deepEqual(put, [{ url: '/v2/ns/t/manifests/latest', body: manifest.toString(), type: 'application/vnd.oci.image.manifest.v1+json' }]);
  });

  it('plans new, unchanged and refused from what the registry holds', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stagepack-plan-'));
    try {
      fs.writeFileSync(path.join(dir, 'devcontainer-feature.json'), '{"id":"f","version":"1.0.0","name":"F"}');
      fs.writeFileSync(path.join(dir, 'install.sh'), '#!/bin/sh\n', { mode: 0o755 });
      const layer = await tarOf([{ name: './devcontainer-feature.json', content: '{"id":"f","version":"1.0.0","name":"F"}' }, { name: './install.sh', content: '#!/bin/sh\n', mode: 0o755 }]);
      const digest = `sha256:${createHash('sha256').update(layer).digest('hex')}`;
      const manifest = JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.manifest.v1+json', config: { mediaType: 'application/vnd.devcontainers', digest: 'sha256:44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a', size: 2 }, layers: [{ mediaType: DEVCONTAINERS_LAYER, digest, size: layer.length }] });
      registry = await fakeRegistry((req, res) => {
        if (req.url === '/v2/ns/f/tags/list?n=1000') res.writeHead(200).end(JSON.stringify({ tags: ['1', '1.0', '1.0.0', 'latest'] }));
        else if (req.url === '/v2/ns/f/manifests/1.0.0') res.writeHead(200, { 'content-type': 'application/vnd.oci.image.manifest.v1+json' }).end(manifest);
        else if (req.url === `/v2/ns/f/blobs/${digest}`) res.writeHead(200).end(layer);
        else res.writeHead(404).end();
      });
      const client = new OciClient(registry.host);
      const item = { kind: 'feature' as const, id: 'f', reference: `${registry.host}/ns/f`, dir, displayDir: 'features/f' };
      assert.equal((await planItem(client, 'ns/f', { ...item, version: '1.0.0' })).action, 'unchanged');
      assert.equal((await planItem(client, 'ns/f', { ...item, version: '1.0.1' })).action, 'new');
      fs.writeFileSync(path.join(dir, 'install.sh'), '#!/bin/sh\necho changed\n', { mode: 0o755 });
      const refused = await planItem(client, 'ns/f', { ...item, version: '1.0.0' });
      assert.ok(refused.action === 'refused' && 'differences' in refused);
      assert.deepEqual(refused.differences, [{ path: 'install.sh', change: 'changed' }]);
      assert.equal(refused.suggestion, '1.0.1');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('the catalogue page and version order', () => {
  it('embeds registry data so that no value can end the data script or become markup', () => {
    const hostile = 'x</script><script>alert(1)</script>\u2028';
    const page = catalogPage([{ kind: 'template', registry: 'r.test', namespace: 'ns', items: [{ kind: 'template', id: 'a', reference: 'r.test/ns/a', versions: [{ version: '1.0.0', digest: 'sha256:0', tags: ['latest'], name: hostile, description: hostile, options: {}, keywords: [] }] }] }], '2026-01-01T00:00:00Z');
    assert.equal(page.match(/<\/script>/g)?.length, 2, 'only the page\'s own two scripts end');
    const json = /<script type="application\/json" id="catalog-data">([^<]*)<\/script>/.exec(page)?.[1];
    assert.ok(json);
    const data = JSON.parse(json) as { collections: { items: { versions: { name: string }[] }[] }[] };
    assert.equal(data.collections[0].items[0].versions[0].name, hostile);
    assert.doesNotMatch(page, /innerHTML|insertAdjacentHTML|document\.write/);
  });

  it('orders versions by their numbers, a prerelease before its release', () => {
    assert.deepEqual(['1.10.0', '1.9.3', '2.0.0-rc.1', '2.0.0', '1.0.0'].sort(compareVersions), ['1.0.0', '1.9.3', '1.10.0', '2.0.0-rc.1', '2.0.0']);
  });
});
