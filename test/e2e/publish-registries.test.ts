import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as https from 'node:https';
import * as os from 'node:os';
import * as path from 'node:path';
import { main } from '../../src/cli';
import { devcontainerCli } from '../../src/devcontainer-cli';
import { aptInstall, sleep } from '../../src/engine/docker';
import { engineLog } from '../../src/engine/log';
import { freePort, probeRegistry, registryConfig, startEphemeralRegistry, type Registry } from '../../src/engine/registry';
import { ok, run, startDetached } from '../../src/proc';
import { PACKAGE_ROOT } from '../../src/version';
import { echoingIo, minutes, registryJson } from './helpers';

/**
 * Publishing to registries as organisations run them, with the real parts: Debian's docker-registry with TLS
 * from a CA this test makes, a host name other than localhost (mapped to loopback in /etc/hosts for the test,
 * and unmapped after), htpasswd basic auth, and credentials from where the Dev Containers CLI reads them.
 * Then a registry stopped half-way through a publication, and the rerun that completes it.
 */
const CLI = path.join(PACKAGE_ROOT, 'bin', 'stagepack.js');
const REGISTRY_BINARY = '/usr/bin/docker-registry';
const USER = 'publisher';
/** Long and unlike anything else in the output, so a leak cannot hide and a search cannot match by chance. */
const PASSWORD = `pw-${process.pid}-Zq8vK3mW7xR2`;
const TOKEN = Buffer.from(`${USER}:${PASSWORD}`).toString('base64');

interface Outcome {
  code: number | null;
  out: string;
  err: string;
}

/** `node bin/stagepack.js ...` as a user runs it, with this environment only added to the test's own. */
function stagepack(args: readonly string[], env: NodeJS.ProcessEnv, cwd: string): Promise<Outcome> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (c: Buffer) => { out += c.toString(); });
    child.stderr.on('data', (c: Buffer) => {
      err += c.toString();
      process.stderr.write(c.toString().replace(/^(?=.)/gm, '      '));
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, out, err }));
  });
}

async function must(file: string, args: string[], cwd: string): Promise<void> {
  const result = await run(file, args, { cwd, timeoutMs: 60_000 });
  assert.ok(ok(result), `${file} ${args.join(' ')}: ${result.stderr}`);
}

/** A CA, and a certificate for `host` signed by it (the CA is trusted only through NODE_EXTRA_CA_CERTS). */
async function makeCertificates(dir: string, host: string): Promise<{ ca: string; cert: string; key: string }> {
  await must('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '2', '-subj', '/CN=stagepack e2e test CA'], dir);
  await must('openssl', ['req', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'server.key', '-out', 'server.csr', '-subj', `/CN=${host}`], dir);
  fs.writeFileSync(path.join(dir, 'san.ext'), `subjectAltName=DNS:${host}\n`);
  await must('openssl', ['x509', '-req', '-in', 'server.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'server.pem', '-days', '2', '-extfile', 'san.ext'], dir);
  return { ca: path.join(dir, 'ca.pem'), cert: path.join(dir, 'server.pem'), key: path.join(dir, 'server.key') };
}

/** Adds `127.0.0.1 host` to /etc/hosts; the returned function removes exactly that line again. */
function mapHost(host: string): () => void {
  const line = `127.0.0.1 ${host} # stagepack e2e ${process.pid}`;
  fs.appendFileSync('/etc/hosts', `${fs.readFileSync('/etc/hosts', 'utf8').endsWith('\n') ? '' : '\n'}${line}\n`);
  return () => {
    const kept = fs.readFileSync('/etc/hosts', 'utf8').split('\n').filter((l) => l !== line);
    fs.writeFileSync('/etc/hosts', kept.join('\n'));
  };
}

/** GET /v2/ over TLS with the test CA: a registry with auth answers 401 with the distribution header. */
function probeTls(host: string, port: number, ca: string): Promise<boolean> {
  return new Promise((resolve) => {
    const request = https.get({ host: '127.0.0.1', servername: host, port, path: '/v2/', ca: fs.readFileSync(ca), timeout: 2000 }, (response) => {
      response.resume();
      resolve(Boolean(response.headers['docker-distribution-api-version']));
    });
    request.on('timeout', () => request.destroy());
    request.on('error', () => resolve(false));
  });
}

function stopProcess(pid: number | undefined): void {
  if (!pid) return;
  try {
    process.kill(pid, 'SIGTERM');
  } catch {
    // already gone
  }
}

/** A small pack of our own: one template and one feature, copied from this repository. */
function smallPack(dir: string): string {
  const pack = path.join(dir, 'pack');
  fs.cpSync(path.join(PACKAGE_ROOT, 'templates', 'flask-gunicorn'), path.join(pack, 'templates', 'flask-gunicorn'), { recursive: true });
  fs.cpSync(path.join(PACKAGE_ROOT, 'features', 'pipenv'), path.join(pack, 'features', 'pipenv'), { recursive: true });
  return pack;
}

describe('stagepack publish to a registry with TLS from a private CA, another host name and basic auth (end to end)', function () {
  this.timeout(minutes(5));
  let work: string;
  let host: string;
  let port: number;
  let ca: string;
  let pid: number | undefined;
  let unmap: (() => void) | undefined;
  const outputs: string[] = [];
  const remember = (o: Outcome) => {
    outputs.push(o.out, o.err);
    return o;
  };

  before(async function () {
    const log = engineLog((text) => process.stderr.write(`      ${text}`));
    const missing = [...(fs.existsSync(REGISTRY_BINARY) ? [] : ['docker-registry']), ...(fs.existsSync('/usr/bin/htpasswd') ? [] : ['apache2-utils'])];
    if (missing.length) {
      if (process.getuid?.() !== 0) {
        process.stderr.write(`      skipped: ${missing.join(' and ')} not installed, and installing needs root\n`);
        this.skip();
      }
      await aptInstall(log, missing);
    }
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'stagepack-tls-e2e-'));
    host = `registry-${process.pid}.stagepack.test`;
    port = await freePort();
    const certificates = await makeCertificates(work, host);
    ca = certificates.ca;
    const htpasswd = await run('htpasswd', ['-Bbn', USER, PASSWORD], { timeoutMs: 30_000 });
    assert.ok(ok(htpasswd), htpasswd.stderr);
    fs.writeFileSync(path.join(work, 'htpasswd'), htpasswd.stdout);
    const config = path.join(work, 'registry.yml');
    fs.writeFileSync(config, [
      registryConfig(port, path.join(work, 'data')).trimEnd(),
      '  tls:',
      `    certificate: ${certificates.cert}`,
      `    key: ${certificates.key}`,
      'auth:',
      '  htpasswd:',
      '    realm: stagepack-e2e',
      `    path: ${path.join(work, 'htpasswd')}`,
      '',
    ].join('\n'));
    pid = startDetached(REGISTRY_BINARY, ['serve', config], path.join(work, 'registry.log'));
    unmap = mapHost(host);
    for (let i = 0; i < 100 && !(await probeTls(host, port, ca)); i++) await sleep(100);
    assert.ok(await probeTls(host, port, ca), `the TLS registry did not start: ${fs.readFileSync(path.join(work, 'registry.log'), 'utf8')}`);
  });

  after(() => {
    stopProcess(pid);
    unmap?.();
    if (work) fs.rmSync(work, { recursive: true, force: true });
  });

  it('publishes with credentials from docker\'s config.json, applies from it, and finds it unchanged with DEVCONTAINERS_OCI_AUTH', async () => {
    const pack = smallPack(work);
    const dockerConfig = path.join(work, 'docker-config');
    fs.mkdirSync(dockerConfig, { recursive: true });
    fs.writeFileSync(path.join(dockerConfig, 'config.json'), JSON.stringify({ auths: { [`${host}:${port}`]: { auth: TOKEN } } }));
    const registry = `${host}:${port}`;
    const first = remember(await stagepack(['publish', '--registry', registry, '--namespace', 'acme/templates', pack], { NODE_EXTRA_CA_CERTS: ca, DOCKER_CONFIG: dockerConfig }, work));
    assert.equal(first.code, 0, first.err);
    assert.match(first.out, new RegExp(`^published template flask-gunicorn [\\d.]+ -> ${registry.replace(/\./g, '\\.')}/acme/templates/flask-gunicorn \\(tags: \\d+, [\\d.]+, [\\d.]+, latest\\)$`, 'm'));
    assert.match(first.out, /^published feature pipenv [\d.]+ -> \S+\/acme\/features\/pipenv \(tags: \d+, [\d.]+, [\d.]+, latest\)$/m);

    // The Dev Containers CLI applies it from there with the same trust and credentials.
    const applied = fs.mkdtempSync(path.join(work, 'applied-'));
    const apply = await devcontainerCli(['templates', 'apply', '--template-id', `${registry}/acme/templates/flask-gunicorn:1`, '--workspace-folder', applied], { env: { ...process.env, NODE_EXTRA_CA_CERTS: ca, DOCKER_CONFIG: dockerConfig } });
    outputs.push(apply.stdout, apply.stderr);
    assert.ok(ok(apply), apply.stderr);
    assert.ok(fs.existsSync(path.join(applied, 'Dockerfile')));

    const emptyConfig = fs.mkdtempSync(path.join(work, 'no-docker-config-'));
    const again = remember(await stagepack(['publish', '--registry', registry, '--namespace', 'acme/templates', pack], { NODE_EXTRA_CA_CERTS: ca, DOCKER_CONFIG: emptyConfig, DEVCONTAINERS_OCI_AUTH: `${registry}|${USER}|${PASSWORD}` }, work));
    assert.equal(again.code, 0, again.err);
    assert.match(again.out, /^unchanged template flask-gunicorn [\d.]+ at \S+ \(sha256:[0-9a-f]{12}\): the registry holds these very files$/m);
    assert.match(again.out, /^unchanged feature pipenv [\d.]+ at /m);
  });

  it('refuses wrong credentials, and an untrusted certificate, with what to do; nothing is published', async () => {
    const pack = smallPack(fs.mkdtempSync(path.join(work, 'faults-')));
    const registry = `${host}:${port}`;
    const emptyConfig = fs.mkdtempSync(path.join(work, 'no-docker-config-'));
    const wrong = remember(await stagepack(['publish', '--registry', registry, '--namespace', 'acme/wrong', pack], { NODE_EXTRA_CA_CERTS: ca, DOCKER_CONFIG: emptyConfig, DEVCONTAINERS_OCI_AUTH: `${registry}|${USER}|not-${PASSWORD}` }, work));
    assert.equal(wrong.code, 2, wrong.err);
    assert.match(wrong.err, new RegExp(`stagepack publish: ${registry.replace(/\./g, '\\.')} refused the tags of acme/wrong/flask-gunicorn \\(401\\) with the credentials from DEVCONTAINERS_OCI_AUTH\\nfix: check the user and token in DEVCONTAINERS_OCI_AUTH`));
    assert.match(wrong.err, /Nothing was published\./);

    const untrusted = remember(await stagepack(['publish', '--registry', registry, '--namespace', 'acme/untrusted', pack], { DOCKER_CONFIG: emptyConfig, DEVCONTAINERS_OCI_AUTH: `${registry}|${USER}|${PASSWORD}` }, work));
    assert.equal(untrusted.code, 2, untrusted.err);
    assert.match(untrusted.err, new RegExp(`the TLS connection to ${registry.replace(/\./g, '\\.')} failed: .*\\nfix: if the registry's certificate comes from your own CA, run with NODE_EXTRA_CA_CERTS=`));
    assert.match(untrusted.err, /Nothing was published\./);

    // Neither namespace got anything.
    const catalog = await new Promise<string>((resolve, reject) => {
      https.get({ host: '127.0.0.1', servername: host, port, path: '/v2/_catalog', ca: fs.readFileSync(ca), headers: { authorization: `Basic ${TOKEN}` } }, (response) => {
        let body = '';
        response.on('data', (c: Buffer) => { body += c.toString(); });
        response.on('end', () => resolve(body));
      }).on('error', reject);
    });
    assert.doesNotMatch(catalog, /acme\/(wrong|untrusted)/);
  });

  it('never prints the password or the token, in any output of the runs above', function () {
    if (outputs.length < 4) {
      process.stderr.write('      skipped: the runs above did not get far enough to produce output to search\n');
      this.skip();
    }
    for (const text of outputs) {
      assert.ok(!text.includes(PASSWORD), 'the password appeared in output');
      assert.ok(!text.includes(TOKEN), 'the base64 user:password appeared in output');
    }
    assert.ok(fs.existsSync(path.join(work, 'registry.log')));
  });
});

describe('stagepack publish when the registry stops half-way (end to end)', function () {
  this.timeout(minutes(5));
  let work: string;
  let registry: Registry | undefined;
  let restartedPid: number | undefined;
  beforeEach(() => {
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'stagepack-stop-e2e-'));
  });
  afterEach(async () => {
    stopProcess(restartedPid);
    await registry?.stop();
    fs.rmSync(work, { recursive: true, force: true });
  });

  it('says what was published and what to do, and a rerun completes the rest', async () => {
    const storage = path.join(work, 'registry');
    registry = await startEphemeralRegistry(engineLog(() => undefined), storage);
    const { port, pid } = registry;
    assert.ok(pid);
    const pack = path.join(work, 'pack');
    fs.cpSync(path.join(PACKAGE_ROOT, 'templates'), path.join(pack, 'templates'), { recursive: true });
    fs.cpSync(path.join(PACKAGE_ROOT, 'features'), path.join(pack, 'features'), { recursive: true });
    const templates = fs.readdirSync(path.join(pack, 'templates')).sort();
    const features = fs.readdirSync(path.join(pack, 'features')).sort();

    // Stop the registry (SIGKILL, as a crash would) as soon as the first template has its last tag (`latest`,
    // pushed after 1, 1.0 and 1.0.0): the rest of the templates, the collection listing and every feature
    // (a second CLI run) are then still to come.
    const repositories = path.join(storage, 'data', 'docker', 'registry', 'v2', 'repositories', 'acme', 't');
    let killed = false;
    const watcher = (async () => {
      for (let i = 0; i < 12_000 && !killed; i++) {
        const tagged = fs.existsSync(repositories) && fs.readdirSync(repositories).some((id) => fs.existsSync(path.join(repositories, id, '_manifests', 'tags', 'latest')));
        if (tagged) {
          process.kill(pid, 'SIGKILL');
          killed = true;
        } else await sleep(5);
      }
    })();
    const io = echoingIo(work);
    const code = await main(['node', 'stagepack', 'publish', '--registry', registry.host, '--namespace', 'acme/t', 'pack'], io);
    killed = true;
    await watcher;
    assert.equal(code, 1, io.err());
    assert.equal(await probeRegistry(port), 'closed', 'the registry was stopped during the publication');
    assert.match(io.err(), /stagepack publish: `devcontainer templates publish` failed:/);
    assert.match(io.err(), /The registry could not be asked what else landed \(localhost:\d+ does not answer: .*\)\.\nfix: when localhost:\d+ answers again, rerun the same command: versions already there with the same files are reported unchanged, the rest is published\./);
    assert.doesNotMatch(io.out(), /^published /m, 'nothing may be reported as published by a failed run');

    // The registry comes back with the same storage; the same command completes the publication.
    const config = path.join(work, 'registry-again.yml');
    fs.writeFileSync(config, registryConfig(port, path.join(storage, 'data')));
    restartedPid = startDetached(REGISTRY_BINARY, ['serve', config], path.join(work, 'registry-again.log'));
    for (let i = 0; i < 100 && (await probeRegistry(port)) !== 'registry'; i++) await sleep(100);
    const rerun = echoingIo(work);
    assert.equal(await main(['node', 'stagepack', 'publish', '--registry', registry.host, '--namespace', 'acme/t', 'pack'], rerun), 0, rerun.err());
    const version = (kind: string, id: string) => (JSON.parse(fs.readFileSync(path.join(pack, `${kind}s`, id, `devcontainer-${kind}.json`), 'utf8')) as { version: string }).version;
    const outcome = (id: string, kind: string) => {
      const v = version(kind, id).replace(/\./g, '\\.');
      return new RegExp(`^(published ${kind} ${id} ${v} -> |unchanged ${kind} ${id} ${v} at )`, 'm');
    };
    for (const id of templates) assert.match(rerun.out(), outcome(id, 'template'));
    for (const id of features) assert.match(rerun.out(), outcome(id, 'feature'));
    assert.match(rerun.out(), /^unchanged template /m, 'what the first run published is found unchanged');

    // Every item has all its tags, and both collection listings name every item.
    for (const [namespace, ids] of [['acme/t', templates], ['acme/t-features', features]] as const) {
      for (const id of ids) {
        const { tags } = await registryJson<{ tags: string[] }>(port, `/v2/${namespace}/${id}/tags/list`);
        const v = version(namespace === 'acme/t' ? 'template' : 'feature', id);
        const [major, minor] = v.split('.');
        assert.deepEqual(tags.sort(), [major, `${major}.${minor}`, v, 'latest'].sort(), `${namespace}/${id}`);
      }
      const manifest = await registryJson<{ layers: { digest: string }[] }>(port, `/v2/${namespace}/manifests/latest`);
      const listing = await registryJson<{ templates?: { id: string }[]; features?: { id: string }[] }>(port, `/v2/${namespace}/blobs/${manifest.layers[0].digest}`);
      assert.deepEqual((listing.templates ?? listing.features ?? []).map((i) => i.id).sort(), [...ids], `the listing of ${namespace}`);
    }
  });
});
