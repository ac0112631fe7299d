import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { main } from '../../src/cli';
import { devcontainerCli } from '../../src/devcontainer-cli';
import { engineLog } from '../../src/engine/log';
import { freePort, probeRegistry, startEphemeralRegistry, type Registry } from '../../src/engine/registry';
import { NOT_APPLIED } from '../../src/lint/applied-files';
import { ok } from '../../src/proc';
import { discoverTargets, loadTarget, templateOptions, type TargetRef } from '../../src/pack';
import { applyOptions, defaultOptionValues } from '../../src/template-options';
import { PACKAGE_ROOT } from '../../src/version';
import { echoingIo, minutes, registryJson } from './helpers';

const TEMPLATE = path.join(PACKAGE_ROOT, 'templates', 'flask-gunicorn');
const packTargets = () => {
  const discovered = discoverTargets([PACKAGE_ROOT], PACKAGE_ROOT);
  assert.ok(discovered.ok);
  return discovered.targets;
};

async function catalog(port: number): Promise<string[]> {
  return (await registryJson<{ repositories: string[] }>(port, '/v2/_catalog')).repositories;
}

/** The version a template's or feature's metadata declares. */
function versionOf(dir: string): string {
  const file = fs.existsSync(path.join(dir, 'devcontainer-template.json')) ? 'devcontainer-template.json' : 'devcontainer-feature.json';
  return (JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8')) as { version: string }).version;
}

const escaped = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

function filesOf(dir: string): string[] {
  return fs.readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => path.relative(dir, path.join(e.parentPath, e.name))).sort();
}

/** Applies a reference into a fresh folder with the real CLI and compares it with the template's files. */
async function applyAndCompare(reference: string, work: string, template: TargetRef): Promise<void> {
  const target = fs.mkdtempSync(path.join(work, 'applied-'));
  const result = await devcontainerCli(['templates', 'apply', '--template-id', reference, '--workspace-folder', target]);
  assert.ok(ok(result), result.stderr);
  const expected = filesOf(template.absDir).filter((f) => !NOT_APPLIED.has(f));
  assert.deepEqual(filesOf(target), expected);
  const defaults = defaultOptionValues(templateOptions(loadTarget(template)));
  for (const file of expected) {
    assert.equal(fs.readFileSync(path.join(target, file), 'utf8'), applyOptions(fs.readFileSync(path.join(template.absDir, file), 'utf8'), defaults), `${template.folderName}: ${file} differs`);
  }
  assert.equal(fs.statSync(path.join(target, '.devcontainer', 'test.sh')).mode & 0o111, 0o111, 'test.sh lost its executable bits');
}

describe('stagepack publish (end to end, real registry and Dev Containers CLI)', function () {
  this.timeout(minutes(5));
  let work: string;
  beforeEach(() => {
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'stagepack-publish-e2e-'));
  });
  afterEach(() => fs.rmSync(work, { recursive: true, force: true }));

  it('with no flags, starts the default local registry, publishes, and apply reproduces the template', async () => {
    // The default registry, moved to a free port and a private state folder so the test owns what it starts.
    const port = await freePort();
    const env = { ...process.env, STAGEPACK_REGISTRY_PORT: String(port), STAGEPACK_STATE_DIR: path.join(work, 'state') };
    const saved = { port: process.env.STAGEPACK_REGISTRY_PORT, state: process.env.STAGEPACK_STATE_DIR };
    Object.assign(process.env, { STAGEPACK_REGISTRY_PORT: env.STAGEPACK_REGISTRY_PORT, STAGEPACK_STATE_DIR: env.STAGEPACK_STATE_DIR });
    const pidFile = path.join(work, 'state', `registry-${port}.pid`);
    try {
      const io = echoingIo();
      const code = await main(['node', 'stagepack', 'publish'], io);
      assert.equal(code, 0, io.err());
      assert.match(io.err(), new RegExp(`Started an OCI registry on localhost:${port}`));
      for (const target of packTargets()) {
        const kind = target.kind === 'template' ? 'templates' : 'features';
        const version = versionOf(target.absDir);
        const [major, minor] = version.split('.');
        assert.match(io.out(), new RegExp(`published ${target.kind} ${target.folderName} ${escaped(version)} -> localhost:${port}/stagepack/${kind}/${target.folderName} \\(tags: ${major}, ${major}\\.${minor}, ${escaped(version)}, latest\\)`));
      }
      assert.match(io.out(), new RegExp(`devcontainer templates apply -t localhost:${port}/stagepack/templates/[\\w-]+:1 -w`));
      assert.equal(await probeRegistry(port), 'registry', 'the default registry must keep running after publish');
      // Every template, applied from the registry with the real CLI, reproduces its files.
      for (const template of packTargets().filter((t) => t.kind === 'template')) {
        await applyAndCompare(`localhost:${port}/stagepack/templates/${template.folderName}:1`, work, template);
      }

      const again = echoingIo();
      assert.equal(await main(['node', 'stagepack', 'publish'], again), 0);
      assert.match(again.err(), new RegExp(`OCI registry answers on localhost:${port}`));
      assert.match(again.out(), /^unchanged template flask-gunicorn \d+\.\d+\.\d+ at localhost:\d+\/stagepack\/templates\/flask-gunicorn \(sha256:[0-9a-f]{12}\): the registry holds these very files$/m);
    } finally {
      Object.assign(process.env, { STAGEPACK_REGISTRY_PORT: saved.port, STAGEPACK_STATE_DIR: saved.state });
      if (saved.port === undefined) delete process.env.STAGEPACK_REGISTRY_PORT;
      if (saved.state === undefined) delete process.env.STAGEPACK_STATE_DIR;
      if (fs.existsSync(pidFile)) process.kill(Number(fs.readFileSync(pidFile, 'utf8')), 'SIGTERM');
    }
  });

  describe('to a given registry', () => {
    let registry: Registry;
    beforeEach(async () => {
      registry = await startEphemeralRegistry(engineLog(() => undefined), path.join(work, 'registry'));
    });
    afterEach(async () => registry.stop());

    it('publishes to --registry and --namespace, and apply reproduces the template', async () => {
      const io = echoingIo();
      const code = await main(['node', 'stagepack', 'publish', '--registry', registry.host, '--namespace', 'acme/devcontainers'], io);
      assert.equal(code, 0, io.err());
      const targets = packTargets();
      const expected = [
        'acme/devcontainers',
        ...targets.filter((t) => t.kind === 'template').map((t) => `acme/devcontainers/${t.folderName}`),
        ...(targets.some((t) => t.kind === 'feature') ? ['acme/devcontainers-features'] : []),
        ...targets.filter((t) => t.kind === 'feature').map((t) => `acme/devcontainers-features/${t.folderName}`),
      ].sort();
      assert.deepEqual((await catalog(registry.port)).sort(), expected);
      const flask = targets.find((t) => t.folderName === 'flask-gunicorn');
      assert.ok(flask);
      await applyAndCompare(`${registry.host}/acme/devcontainers/flask-gunicorn:${versionOf(flask.absDir)}`, work, flask);
    });

    it('never changes a published version: a change without a bump is refused, a bump publishes it, the same files again are unchanged', async () => {
      const pack = path.join(work, 'pack');
      const template = path.join(pack, 'templates', 'flask-gunicorn');
      fs.cpSync(TEMPLATE, template, { recursive: true });
      // This test's own version line, whatever the pack's template is at.
      const metadata = path.join(template, 'devcontainer-template.json');
      fs.writeFileSync(metadata, fs.readFileSync(metadata, 'utf8').replace(/"version": "[^"]+"/, '"version": "1.0.0"'));
      const publish = async (...extra: string[]) => {
        const io = echoingIo(work);
        const code = await main(['node', 'stagepack', 'publish', '--registry', registry.host, '--namespace', 'acme/t', ...extra, 'pack'], io);
        return { code, out: io.out(), err: io.err() };
      };
      const tags = async () => (await registryJson<{ tags: string[] }>(registry.port, '/v2/acme/t/flask-gunicorn/tags/list')).tags.sort();
      assert.equal((await publish()).code, 0);
      const first = await registryJson<{ config: unknown }>(registry.port, '/v2/acme/t/flask-gunicorn/manifests/1.0.0');

      // Changed without a bump: refused (dry run too), naming the file and the version to bump to; nothing pushed.
      fs.appendFileSync(path.join(template, 'Dockerfile'), '# a late change\n');
      for (const extra of [['--dry-run'], []]) {
        const refused = await publish(...extra);
        assert.equal(refused.code, 1, refused.err);
        assert.match(refused.out, /^refused template flask-gunicorn 1\.0\.0: localhost:\d+\/acme\/t\/flask-gunicorn:1\.0\.0 is already published with other content \(Dockerfile: changed\); a published version never changes\.\n {2}fix: set "version" in pack\/templates\/flask-gunicorn\/devcontainer-template\.json to 1\.0\.1/m);
        assert.match(refused.err, /nothing was published: 1 item\(s\) changed without a new version/);
      }
      assert.deepEqual(await tags(), ['1', '1.0', '1.0.0', 'latest']);
      assert.deepEqual(await registryJson(registry.port, '/v2/acme/t/flask-gunicorn/manifests/1.0.0'), first, 'the published version is untouched');

      // Bumped: the dry run says so without pushing, the real run publishes and moves the tags.
      fs.writeFileSync(metadata, fs.readFileSync(metadata, 'utf8').replace('"version": "1.0.0"', '"version": "1.0.1"'));
      const dry = await publish('--dry-run');
      assert.equal(dry.code, 0, dry.err);
      assert.match(dry.out, /^would publish template flask-gunicorn 1\.0\.1 -> localhost:\d+\/acme\/t\/flask-gunicorn$/m);
      assert.deepEqual(await tags(), ['1', '1.0', '1.0.0', 'latest']);
      const bumped = await publish();
      assert.equal(bumped.code, 0, bumped.err);
      assert.match(bumped.out, /^published template flask-gunicorn 1\.0\.1 -> localhost:\d+\/acme\/t\/flask-gunicorn \(tags: 1, 1\.0, 1\.0\.1, latest\)$/m);
      assert.deepEqual(await tags(), ['1', '1.0', '1.0.0', '1.0.1', 'latest']);

      // The same files again, with only a comment added to the metadata (not part of what is published as data).
      fs.writeFileSync(metadata, `// a comment\n${fs.readFileSync(metadata, 'utf8')}`);
      const again = await publish();
      assert.equal(again.code, 0, again.err);
      assert.match(again.out, /^unchanged template flask-gunicorn 1\.0\.1 at localhost:\d+\/acme\/t\/flask-gunicorn \(sha256:[0-9a-f]{12}\): the registry holds these very files$/m);
      const applied = fs.mkdtempSync(path.join(work, 'applied-'));
      const result = await devcontainerCli(['templates', 'apply', '--template-id', `${registry.host}/acme/t/flask-gunicorn:1`, '--workspace-folder', applied]);
      assert.ok(ok(result), result.stderr);
      assert.match(fs.readFileSync(path.join(applied, 'Dockerfile'), 'utf8'), /# a late change\n$/, 'the moving tag 1 names the bumped version');
    });

    it('warns that publishing one template alone drops the others from the collection listing', async () => {
      const io = echoingIo();
      assert.equal(await main(['node', 'stagepack', 'publish', '--registry', registry.host, '--namespace', 'acme/x'], io), 0, io.err());
      const one = echoingIo();
      assert.equal(await main(['node', 'stagepack', 'publish', '--registry', registry.host, '--namespace', 'acme/x', '--dry-run', 'templates/flask-gunicorn'], one), 0, one.err());
      const others = packTargets().filter((t) => t.kind === 'template' && t.folderName !== 'flask-gunicorn').map((t) => t.folderName).sort();
      assert.match(one.err(), new RegExp(`warning: the collection listing of ${registry.host}/acme/x names ${others.join(', ')}, which this run does not hold; .*\\nfix: publish the whole collection \\(the pack root\\) to keep every template listed\\.`));
    });

    it('publishes nothing when the pack has a lint error, and says what to do', async () => {
      const pack = path.join(work, 'pack');
      fs.cpSync(path.join(PACKAGE_ROOT, 'templates'), path.join(pack, 'templates'), { recursive: true });
      fs.cpSync(TEMPLATE, path.join(pack, 'templates', 'second'), { recursive: true });
      const io = echoingIo(work);
      const code = await main(['node', 'stagepack', 'publish', '--registry', registry.host, 'pack'], io);
      assert.equal(code, 1);
      assert.match(io.err(), /pack\/templates\/second\/devcontainer-template\.json:2:9 {2}error {2}The id "flask-gunicorn" differs from the folder name "second"/);
      assert.match(io.err(), /nothing was published; fix the errors above/);
      assert.deepEqual(await catalog(registry.port), []);
    });

    it('publishes a collection in the src/<id> layout of devcontainers/templates, with the shared-base group off', async () => {
      // Our own minimal collection laid out as template-starter is: src/<id>/ and test/<id>/.
      const pack = path.join(work, 'starter');
      const write = (rel: string, text: string) => {
        fs.mkdirSync(path.dirname(path.join(pack, rel)), { recursive: true });
        fs.writeFileSync(path.join(pack, rel), text);
      };
      write('stagepack.json', '{ "lint": { "groups": { "shared-base": "off" } } }\n');
      write('src/greeting/devcontainer-template.json', JSON.stringify({ id: 'greeting', version: '0.1.0', name: 'Greeting', options: { word: { type: 'string', default: 'hello', proposals: ['hello', 'hey'] } } }, null, 2));
      write('src/greeting/.devcontainer/devcontainer.json', '{\n  "name": "Greeting",\n  "image": "debian:bookworm-slim",\n  "containerEnv": { "GREETING": "${templateOption:word}" }\n}\n');
      write('test/greeting/test.sh', '#!/bin/sh\n[ "$GREETING" = hello ]\n');
      const io = echoingIo(work);
      assert.equal(await main(['node', 'stagepack', 'lint', 'starter'], io), 0, io.out());
      assert.equal(await main(['node', 'stagepack', 'publish', '--registry', registry.host, '--namespace', 'acme/starter', 'starter'], io), 0, io.err());
      assert.deepEqual((await catalog(registry.port)).sort(), ['acme/starter', 'acme/starter/greeting']);
      const applied = fs.mkdtempSync(path.join(work, 'applied-'));
      const result = await devcontainerCli(['templates', 'apply', '--template-id', `${registry.host}/acme/starter/greeting:0`, '--workspace-folder', applied]);
      assert.ok(ok(result), result.stderr);
      assert.match(fs.readFileSync(path.join(applied, '.devcontainer', 'devcontainer.json'), 'utf8'), /"GREETING": "hello"/);
    });

    it('refuses a template holding a symbolic link, before anything is pushed', async () => {
      const pack = path.join(work, 'pack');
      fs.cpSync(TEMPLATE, path.join(pack, 'templates', 'flask-gunicorn'), { recursive: true });
      fs.symlinkSync('/etc/passwd', path.join(pack, 'templates', 'flask-gunicorn', 'passwd'));
      const io = echoingIo(work);
      assert.equal(await main(['node', 'stagepack', 'publish', '--registry', registry.host, 'pack'], io), 1);
      assert.match(io.err(), /passwd is a symbolic link \(to \/etc\/passwd\)/);
      assert.deepEqual(await catalog(registry.port), []);
    });
  });
});

describe('stagepack publish to a registry that does not answer', () => {
  it('publishes nothing and says what to do (exit 2)', async () => {
    const port = await freePort();
    const io = echoingIo();
    assert.equal(await main(['node', 'stagepack', 'publish', '--registry', `localhost:${port}`], io), 2);
    assert.match(io.err(), new RegExp(`no OCI registry answers at localhost:${port}; nothing was published\\.\\nfix: start one there`));
  });
});
