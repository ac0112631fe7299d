import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import { engineLog } from '../../src/engine/log';
import { discoverTargets, loadTarget, templateOptions, type TargetRef } from '../../src/pack';
import { defaultOptionValues, pairedVariants } from '../../src/template-options';
import { runOutcome, type TemplateRun } from '../../src/testing/steps';
import type { TemplateTestContext } from '../../src/testing/template-run';
import { devImagePrefix } from '../../src/testing/template-steps/dev';
import { AppBuilds } from '../../src/testing/app-builds';
import { ImageClaims } from '../../src/testing/run-ledger';
import { HEALTH_PROBE_INTERVAL, unhealthyCountsAfterMs } from '../../src/testing/template-steps/app-run';
import { TEMPLATE_STEPS, testTemplate } from '../../src/testing/template-test';
import { PACKAGE_ROOT } from '../../src/version';
import { applyTemplate, FakeEngine, type FakeRule } from './fake-engine';

/**
 * The steps of a template run, against a fake engine: their decisions (what is recorded, when a step fails,
 * what the clean-up removes) without Docker. That the pipeline really works is the e2e tests' job.
 */
describe('a template run over the engine seam (fake engine)', () => {
  let server: http.Server;
  let port: number;
  let root: string;
  let template: TargetRef;

  before(async () => {
    // The "published" app port: a real server, so the HTTP, load and read-only checks have something to ask.
    server = http.createServer((_request, response) => response.end('{"app":"fake"}'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as { port: number }).port;
    const found = discoverTargets([path.join(PACKAGE_ROOT, 'templates', 'flask-gunicorn')], PACKAGE_ROOT);
    assert.ok(found.ok);
    template = found.targets[0];
  });
  after(() => {
    server.close();
    server.closeAllConnections();
  });
  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'stagepack-fake-run-'));
  });
  afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

  function contextFor(engine: FakeEngine, extra: Partial<TemplateTestContext> = {}): TemplateTestContext {
    const workDir = fs.mkdtempSync(path.join(root, 'flask-gunicorn-'));
    return {
      engine,
      index: { pypi: true, buildOptions: [], containerEnv: {}, has: () => true, description: 'fake', close: async () => undefined },
      registry: { host: 'localhost:1', port: 1, stop: async () => undefined },
      log: engineLog(() => undefined),
      write: () => undefined,
      workDir,
      logDir: path.join(root, 'logs'),
      appDir: path.join(PACKAGE_ROOT, 'test', 'fixtures', 'apps', 'flask'),
      keep: false,
      compose: () => Promise.reject(new Error('no compose in this test')),
      healthTimeoutMs: 5000,
      stopBoundMs: 3000,
      namespace: 'test/templates',
      published: new Map(),
      ...extra,
    };
  }

  const statuses = (run: TemplateRun) => Object.fromEntries(run.steps.map((s) => [s.id, s.status]));

  /** Everything the fake engine handed out was removed, by id, and the run's folder is gone. */
  function assertNothingLeft(engine: FakeEngine, context: TemplateTestContext) {
    for (const kind of ['container', 'image'] as const) {
      const left = [...engine.created[kind]].filter((id) => !engine.removed[kind].has(id));
      assert.deepEqual(left, [], `${kind}s left behind`);
    }
    assert.equal(fs.existsSync(context.workDir), false, 'the work folder was left behind');
  }

  it('passes every step on a healthy engine, and removes exactly what it created', async function () {
    this.timeout(30_000);
    const engine = new FakeEngine(port);
    const context = contextFor(engine);
    const run = await testTemplate(template, context);
    assert.equal(runOutcome(run), 'pass', JSON.stringify(run.steps.filter((s) => s.status !== 'pass'), null, 1));
    assert.equal(statuses(run)['app-worker-tmp'], 'skip');
    // flask-gunicorn declares no checks: the declared-checks step expands to nothing.
    assert.deepEqual(run.steps.map((s) => s.id), [...TEMPLATE_STEPS.filter((s) => s.id !== 'dev-feature' && s.id !== 'app-database' && !s.expand).map((s) => s.id), 'cleanup']);
    assertNothingLeft(engine, context);
    // Removal goes by the recorded ids only, never by a filter or a name.
    for (const call of [...engine.find('docker', 'rm'), ...engine.find('docker', 'rmi')]) {
      assert.ok(call.args.every((a) => a.startsWith('-') || a === 'rm' || a === 'rmi' || /^(sha256:)?[0-9a-f]{12,64}$/.test(a)), call.args.join(' '));
    }
  });

  it('builds the app from the Dockerfile and context devcontainer.json names, wherever they are', async function () {
    this.timeout(30_000);
    // A project whose Dockerfile lives in docker/ (lint allows any build.dockerfile).
    let workspace = '';
    const applyElsewhere: FakeRule = (call) => {
      if (call.tool !== 'devcontainer' || call.args[1] !== 'apply') return undefined;
      workspace = call.args[call.args.indexOf('--workspace-folder') + 1];
      applyTemplate(template.absDir, workspace, JSON.parse(call.args[call.args.indexOf('--template-args') + 1]) as Record<string, string>);
      fs.mkdirSync(path.join(workspace, 'docker'));
      fs.renameSync(path.join(workspace, 'Dockerfile'), path.join(workspace, 'docker', 'Dockerfile'));
      const config = path.join(workspace, '.devcontainer', 'devcontainer.json');
      fs.writeFileSync(config, fs.readFileSync(config, 'utf8').replace('"../Dockerfile"', '"../docker/Dockerfile"'));
      return { stdout: '' };
    };
    const engine = new FakeEngine(port, [applyElsewhere]);
    const context = contextFor(engine);
    const run = await testTemplate(template, context);
    assert.equal(runOutcome(run), 'pass', JSON.stringify(run.steps.filter((s) => s.status === 'fail'), null, 1));
    const build = engine.find('docker', 'build')[0];
    assert.equal(build.args[build.args.indexOf('--file') + 1], path.join(workspace, 'docker', 'Dockerfile'));
    assert.equal(build.args.at(-1), workspace, 'the context is the workspace (build.context "..")');
    assert.ok(build.args.includes('PYTHON_VERSION=3.11'), 'the build args of devcontainer.json are passed');
    assertNothingLeft(engine, context);
  });

  for (const step of TEMPLATE_STEPS.filter((s) => s.id !== 'dev-feature' && s.id !== 'app-database' && !s.expand)) {
    it(`an unexpected error after "${step.id}" fails that step with its message and still removes everything`, async function () {
      this.timeout(30_000);
      const engine = new FakeEngine(port);
      const context = contextFor(engine, { injectFault: step.id });
      const run = await testTemplate(template, context);
      const failed = run.steps.find((s) => s.status === 'fail');
      assert.equal(failed?.id, step.id);
      assert.match(failed?.detail ?? '', /^unexpected error: fault injected after step /);
      assert.equal(run.steps.at(-1)?.id, 'cleanup');
      assert.equal(run.steps.at(-1)?.status, 'pass', run.steps.at(-1)?.detail);
      assertNothingLeft(engine, context);
    });
  }

  /** A rule that applies the template and then writes these files into the workspace. */
  function applyWith(files: Record<string, string>): FakeRule {
    return (call) => {
      if (call.tool !== 'devcontainer' || call.args[1] !== 'apply') return undefined;
      const workspace = call.args[call.args.indexOf('--workspace-folder') + 1];
      applyTemplate(template.absDir, workspace, JSON.parse(call.args[call.args.indexOf('--template-args') + 1]) as Record<string, string>);
      for (const [name, text] of Object.entries(files)) {
        fs.mkdirSync(path.dirname(path.join(workspace, name)), { recursive: true });
        fs.writeFileSync(path.join(workspace, name), text);
      }
      return { stdout: '' };
    };
  }

  it('runs the declared checks as steps of their own (check:<id>), the project\'s replacing the template\'s', async function () {
    this.timeout(30_000);
    const declared = applyWith({
      '.devcontainer/stagepack-checks.json': JSON.stringify({ checks: [
        { id: 'deploy', command: ['python', 'manage.py', 'check', '--deploy'], outputExcludes: ['security\\.W018'] },
        { id: 'no-db', file: '/app/db.sqlite3', exists: false },
        { id: 'answers', http: '/', bodyMatches: ['"app":"fake"'] },
        { id: 'replaced', command: ['false'] },
      ] }),
      '.devcontainer/project-checks.json': JSON.stringify({ checks: [{ id: 'replaced', command: ['true'], skip: 'checked elsewhere' }, { id: 'wrong-body', http: '/', bodyMatches: ['nope'] }] }),
    });
    const answers: FakeRule = (call) => {
      if (call.tool !== 'docker' || call.args[0] !== 'exec') return undefined;
      if (call.args.includes('manage.py')) return { code: 0, stdout: 'System check identified 1 issue:\n?: (security.W018) DEBUG is True\n' };
      if (call.args.includes('/app/db.sqlite3')) return { code: 1 };
      return undefined;
    };
    const engine = new FakeEngine(port, [declared, answers]);
    const context = contextFor(engine);
    const run = await testTemplate(template, context);
    const checks = run.steps.filter((s) => s.id.startsWith('check:'));
    assert.deepEqual(checks.map((s) => `${s.id}=${s.status}`), ['check:deploy=fail', 'check:no-db=skip', 'check:answers=skip', 'check:replaced=skip', 'check:wrong-body=skip']);
    assert.match(checks[0].detail, /security\.W018/);
    // The run stops at the first failure; the next checks are reported as not run, then everything is removed.
    assert.equal(statuses(run)['app-stop'], 'skip');
    assertNothingLeft(engine, context);

    const noDatabase: FakeRule = (call) => (call.tool === 'docker' && call.args[0] === 'exec' && call.args.includes('/app/db.sqlite3') ? { code: 1 } : undefined);
    const passing = new FakeEngine(port, [declared, noDatabase]);
    const second = await testTemplate(template, contextFor(passing));
    assert.deepEqual(second.steps.filter((s) => s.id.startsWith('check:')).map((s) => `${s.id}=${s.status}`), ['check:deploy=pass', 'check:no-db=pass', 'check:answers=pass', 'check:replaced=skip', 'check:wrong-body=fail']);
    assert.match(second.steps.find((s) => s.id === 'check:replaced')?.detail ?? '', /^checked elsewhere \(declared in \.devcontainer\/project-checks\.json\)/);
    assert.match(second.steps.find((s) => s.id === 'check:wrong-body')?.detail ?? '', /the body does not match \/nope\/.*\nfix: .*project-checks\.json/s);
    const fileCheck = passing.find('docker', 'exec').find((c) => c.args.includes('/app/db.sqlite3'));
    assert.ok(fileCheck, 'the file check looked inside the app container');
  });

  it('fails one step naming file, line and column when a checks file cannot be used, and still cleans up', async function () {
    this.timeout(30_000);
    const engine = new FakeEngine(port, [applyWith({ '.devcontainer/project-checks.json': '{\n  "checks": [\n    { "id": "x", "http": "relative" }\n  ]\n}\n' })]);
    const context = contextFor(engine);
    const run = await testTemplate(template, context);
    const failed = run.steps.find((s) => s.status === 'fail');
    assert.equal(failed?.id, 'declared-checks');
    assert.match(failed?.detail ?? '', /^\.devcontainer\/project-checks\.json:3:26: "relative" does not start with \/\nfix: /);
    assertNothingLeft(engine, context);
  });

  it('records and removes the dev container of a failed `devcontainer up`', async () => {
    const failingUp: FakeRule = (call, fake) => {
      if (call.tool !== 'devcontainer' || call.args[0] !== 'up') return undefined;
      const container = fake.newId('container');
      return { code: 1, stdout: `${JSON.stringify({ outcome: 'error', message: 'postCreateCommand failed', containerId: container })}\n`, stderr: 'pipenv: no index' };
    };
    const engine = new FakeEngine(port, [failingUp]);
    const context = contextFor(engine);
    const run = await testTemplate(template, context);
    assert.equal(statuses(run)['dev-up'], 'fail');
    assert.match(run.steps.find((s) => s.id === 'dev-up')?.detail ?? '', /^devcontainer up failed \(exit code 1\)/);
    assert.equal(statuses(run)['app-build'], 'skip');
    assertNothingLeft(engine, context);
  });

  it('records the app image from the iidfile even when the build then fails', async () => {
    const failingBuild: FakeRule = (call, fake) => {
      if (call.tool !== 'docker' || call.args[0] !== 'build') return undefined;
      fs.writeFileSync(call.args[call.args.indexOf('--iidfile') + 1], fake.newId('image'));
      return { code: 1, stderr: 'ERROR: failed to export image' };
    };
    const engine = new FakeEngine(port, [failingBuild]);
    const context = contextFor(engine);
    const run = await testTemplate(template, context);
    assert.equal(statuses(run)['app-build'], 'fail');
    assertNothingLeft(engine, context);
  });

  it('fails the secret scan when docker save yields an archive it cannot read', async () => {
    const brokenSave: FakeRule = (call) => {
      if (call.tool !== 'docker' || call.args[0] !== 'save') return undefined;
      call.options.stdoutTo?.end(Buffer.from('this is not a tar archive at all'.repeat(40)));
      return { stdout: '' };
    };
    const engine = new FakeEngine(port, [brokenSave]);
    const context = contextFor(engine);
    const run = await testTemplate(template, context);
    assert.equal(statuses(run)['app-secrets'], 'fail');
    assert.match(run.steps.find((s) => s.id === 'app-secrets')?.detail ?? '', /could not (read everything|be searched)/);
    assertNothingLeft(engine, context);
  });

  it('never removes a base image, even when a cached build prints its id', async () => {
    const base = `sha256:${'b'.repeat(64)}`;
    const rules: FakeRule[] = [
      (call) => (call.tool === 'docker' && call.args[0] === 'image' && call.args.includes('{{.Id}}') ? { stdout: `${base}\n` } : undefined),
      (call, fake) => {
        if (call.tool !== 'devcontainer' || call.args[0] !== 'up') return undefined;
        return { stdout: `${JSON.stringify({ outcome: 'success', containerId: fake.newId('container'), remoteUser: 'dev', remoteWorkspaceFolder: '/w' })}\n`, stderr: `#9 writing image ${base} done\n` };
      },
    ];
    const engine = new FakeEngine(port, rules);
    const run = await testTemplate(template, contextFor(engine));
    assert.equal(runOutcome(run), 'pass', JSON.stringify(run.steps.filter((s) => s.status === 'fail'), null, 1));
    assert.ok(!engine.removed.image.has(base), 'the base image was removed');
  });

  it('names the CLI\'s image for a workspace from its path, as the Dev Containers CLI does', () => {
    assert.match(devImagePrefix('/tmp/stagepack-test-x/flask-gunicorn-AbC123'), /^vsc-flask-gunicorn-abc123-[0-9a-f]{64}$/);
    assert.notEqual(devImagePrefix('/tmp/a/flask-gunicorn-1'), devImagePrefix('/tmp/b/flask-gunicorn-1'), 'two runs with one folder name get two names');
  });

  it('runs variants at the same time: one publication, and an image both built is removed once, by the last', async function () {
    this.timeout(30_000);
    const engine = new FakeEngine(port);
    const published = new Map<string, Promise<string>>();
    const imageClaims = new ImageClaims();
    const contexts = [contextFor(engine, { published, imageClaims }), contextFor(engine, { published, imageClaims })];
    const runs = await Promise.all(contexts.map((context) => testTemplate(template, context)));
    for (const run of runs) assert.equal(runOutcome(run), 'pass', JSON.stringify(run.steps.filter((s) => s.status === 'fail'), null, 1));
    assert.equal(engine.find('devcontainer', 'templates', 'publish').length, 1, 'the variants share one publication');
    // Both dev containers run the same image (the fake's `docker inspect .Image`): one removal, not two.
    const devImage = [...engine.created.image].find((id) => /^sha256:d{64}$/.test(id));
    assert.ok(devImage);
    assert.equal(engine.find('docker', 'rmi').filter((c) => c.args.includes(devImage)).length, 1);
    assert.match(runs.map((r) => r.steps.at(-1)?.detail ?? '').join('\n'), /another run's of this test/);
    for (const context of contexts) assertNothingLeft(engine, context);
  });

  /** The default options of flask-gunicorn, with one changed: a variant as the matrix makes it. */
  const variant = (option: string, value: string) => ({ option, value, values: { ...defaultOptionValues(templateOptions(loadTarget(template))), [option]: value } });
  const appBuildsOf = (engine: FakeEngine) => engine.find('docker', 'build').filter((c) => c.args.includes('app'));
  const secretOf = (call: { args: string[] }) => fs.readFileSync(String(call.args.find((a) => a.startsWith('id=stagepack-canary,src='))?.slice('id=stagepack-canary,src='.length)), 'utf8');

  it('builds the app once fresh for variants that differ after the last layer, and reuses it only when every layer is fresh', async function () {
    this.timeout(30_000);
    const engine = new FakeEngine(port);
    const appBuilds = new AppBuilds();
    // Keep the work folders (and the canary files in them) to read after the runs.
    const shared = { published: new Map<string, Promise<string>>(), imageClaims: new ImageClaims(), appBuilds, keep: true };
    const runs = await Promise.all([
      testTemplate(template, contextFor(engine, shared)),
      testTemplate(template, contextFor(engine, shared), variant('workers', '4')),
      testTemplate(template, contextFor(engine, shared), variant('port', '8080')),
    ]);
    for (const run of runs) assert.equal(runOutcome(run), 'pass', JSON.stringify(run.steps.filter((s) => s.status === 'fail'), null, 1));
    const builds = appBuildsOf(engine);
    assert.equal(builds.filter((c) => c.args.includes('--no-cache')).length, 1, 'one fresh build for the three runs');
    assert.equal(builds.length, 3);
    const details = runs.map((r) => r.steps.find((s) => s.id === 'app-build')?.detail ?? '');
    assert.equal(details.filter((d) => /from BuildKit's cache: all 2 layer\(s\) are ones this test built fresh/.test(d)).length, 2, details.join('\n'));
    // One canary for the whole test: the cached layers saw the same one the scan looks for.
    assert.equal(new Set(builds.map(secretOf)).size, 1);
    assert.equal(secretOf(builds[0]).trim(), appBuilds.canary);

    // A cache that hands out a layer no fresh build of this test made: not accepted, built again fresh.
    engine.cachedLayers = () => ['l1', 'from-last-week'];
    const stale = await testTemplate(template, contextFor(engine, shared), variant('healthCheckPath', '/health'));
    assert.equal(runOutcome(stale), 'pass');
    const last = appBuildsOf(engine).slice(3);
    assert.deepEqual(last.map((c) => c.args.includes('--no-cache')), [false, true], 'a cached try, then a fresh build');
    assert.match(stale.steps.find((s) => s.id === 'app-build')?.detail ?? '', /built again with --no-cache, as the cache gave 1 of 2 layer\(s\) that no fresh build of this test made \(steps run rather than cached: none\)/);
  });

  it('fails the build when the image\'s layers cannot be read, rather than call "every layer fresh" true of none', async function () {
    this.timeout(30_000);
    const engine = new FakeEngine(port, [(call) => (call.args.includes('{{.Size}} {{json .RootFS.Layers}}') ? { stdout: '120000000 null\n' } : undefined)]);
    const context = contextFor(engine, { appBuilds: new AppBuilds() });
    const run = await testTemplate(template, context);
    assert.equal(statuses(run)['app-build'], 'fail');
    assert.match(run.steps.find((s) => s.id === 'app-build')?.detail ?? '', /could not read the layers of the app image/);
    assertNothingLeft(engine, context);
  });

  it('builds fresh a variant whose layers differ (another Python), and any variant when the fresh build failed', async function () {
    this.timeout(30_000);
    let failFresh = true;
    const engine = new FakeEngine(port, [(call) => (call.args[0] === 'build' && call.args.includes('--no-cache') && failFresh ? ((failFresh = false), { code: 1, stderr: 'boom' }) : undefined)]);
    const shared = { published: new Map<string, Promise<string>>(), imageClaims: new ImageClaims(), appBuilds: new AppBuilds() };
    const failed = await testTemplate(template, contextFor(engine, shared));
    assert.equal(statuses(failed)['app-build'], 'fail');
    const runs = await Promise.all([testTemplate(template, contextFor(engine, shared), variant('workers', '4')), testTemplate(template, contextFor(engine, shared), variant('pythonVersion', '3.12'))]);
    for (const run of runs) assert.equal(runOutcome(run), 'pass', JSON.stringify(run.steps.filter((s) => s.status === 'fail'), null, 1));
    assert.deepEqual(appBuildsOf(engine).map((c) => c.args.includes('--no-cache')), [true, true, true]);
  });

  it('probes health often, but counts "unhealthy" only once the template\'s own interval would have', async function () {
    this.timeout(30_000);
    const started = Date.now();
    // The template's healthcheck: 0.2 s start period, 2 retries of 0.3 s: unhealthy counts from 0.8 s on.
    const healthcheck = { Test: ['CMD', 'true'], Interval: 0.3e9, Retries: 2, StartPeriod: 0.2e9 };
    assert.equal(unhealthyCountsAfterMs(healthcheck), 800);
    assert.equal(unhealthyCountsAfterMs(undefined), 90_000, "Docker's defaults: 30 s interval, 3 retries");
    const rules = (healthyAfterMs: number): FakeRule[] => [
      (call) => (call.args.includes('{{json .Config.Healthcheck}}') ? { stdout: `${JSON.stringify(healthcheck)}\n` } : undefined),
      (call) => (call.args.includes('{{json .State}}') ? { stdout: `{"Status":"running","Health":{"Status":"${Date.now() - started > healthyAfterMs ? 'healthy' : 'unhealthy'}"}}\n` } : undefined),
    ];
    // Reported unhealthy by the fast probes at first, healthy before the template's own bound: passes.
    const engine = new FakeEngine(port, rules(300));
    const run = await testTemplate(template, contextFor(engine));
    assert.equal(statuses(run)['app-healthy'], 'pass', JSON.stringify(run.steps.find((s) => s.id === 'app-healthy')));
    const detached = engine.find('docker', 'run').filter((c) => c.args.includes('--detach'));
    assert.equal(detached.length, 2, 'the app and its read-only run');
    for (const call of detached) assert.equal(call.args[call.args.indexOf('--health-interval') + 1], HEALTH_PROBE_INTERVAL);
    // Still unhealthy past that bound: fails then, without waiting for the whole health timeout.
    const stuck = Date.now();
    const failing = await testTemplate(template, contextFor(new FakeEngine(port, rules(Number.POSITIVE_INFINITY)), { healthTimeoutMs: 20_000 }));
    assert.equal(statuses(failing)['app-healthy'], 'fail');
    assert.match(failing.steps.find((s) => s.id === 'app-healthy')?.detail ?? '', /did not become healthy within 20 s \(unhealthy/);
    assert.ok(Date.now() - stuck < 10_000, 'it waited for the whole timeout');
  });
});

describe('the fit step: a variant this machine cannot build is paired with an option value that it can', () => {
  let root: string;
  let server: http.Server;
  let port: number;
  const fastapi = (): TargetRef => {
    const found = discoverTargets([path.join(PACKAGE_ROOT, 'templates', 'fastapi-gunicorn')], PACKAGE_ROOT);
    assert.ok(found.ok);
    return found.targets[0];
  };
  before(async () => {
    server = http.createServer((_request, response) => response.end('{"app":"fake"}'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as { port: number }).port;
  });
  after(() => {
    server.close();
    server.closeAllConnections();
  });
  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'stagepack-fit-'));
  });
  afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

  /** No image named for bookworm with Python 3.13 exists here, nor can it be pulled; everything else is present. */
  const noBookworm313: FakeRule = (call) => {
    const image = call.args.find((a) => a.startsWith('python:3.13-') && a.endsWith('bookworm'));
    if (!image) return undefined;
    if (call.args[0] === 'pull') return { code: 1, stderr: 'dial tcp: lookup registry-1.docker.io: no such host' };
    if (call.args.includes('inspect')) return { code: 1, stderr: `Error: No such image: ${image}` };
    return undefined;
  };
  const context = (engine: FakeEngine): TemplateTestContext => ({
    engine,
    index: { pypi: true, buildOptions: [], containerEnv: {}, has: () => true, description: 'fake', close: async () => undefined },
    registry: { host: 'localhost:1', port: 1, stop: async () => undefined },
    log: engineLog(() => undefined),
    write: () => undefined,
    workDir: fs.mkdtempSync(path.join(root, 'fastapi-gunicorn-')),
    logDir: path.join(root, 'logs'),
    appDir: path.join(PACKAGE_ROOT, 'test', 'fixtures', 'apps', 'fastapi'),
    keep: false,
    compose: () => Promise.reject(new Error('no compose in this test')),
    healthTimeoutMs: 5000,
    stopBoundMs: 3000,
    namespace: 'test/templates',
    published: new Map(),
  });

  it('lists the pairs of a varied value with each other option value, never changing the varied one', () => {
    const options = { pythonVersion: { proposals: ['3.11', '3.13'] }, debianRelease: { proposals: ['bookworm', 'trixie'] }, debug: { type: 'boolean' } };
    assert.deepEqual(pairedVariants(options, { pythonVersion: '3.13', debianRelease: 'bookworm', debug: 'false' }, 'pythonVersion'), [
      { pythonVersion: '3.13', debianRelease: 'trixie', debug: 'false' },
      { pythonVersion: '3.13', debianRelease: 'bookworm', debug: 'true' },
    ]);
  });

  it('tests pythonVersion=3.13 with debianRelease=trixie when 3.13 on bookworm cannot be had, and says so', async function () {
    this.timeout(30_000);
    const template = fastapi();
    const engine = new FakeEngine(port, [noBookworm313]);
    const values = { ...defaultOptionValues(templateOptions(loadTarget(template))), pythonVersion: '3.13' };
    const run = await testTemplate(template, context(engine), { option: 'pythonVersion', value: '3.13', values });
    assert.equal(runOutcome(run), 'pass', JSON.stringify(run.steps.filter((s) => s.status !== 'pass'), null, 1));
    assert.equal(run.options.debianRelease, 'trixie');
    assert.match(run.steps.find((s) => s.id === 'fit')?.detail ?? '', /python:3\.13-slim-bookworm cannot be pulled and Debian bookworm ships Python 3\.11[^;]*; tested with debianRelease=trixie instead, which this machine can build: python:3\.13-slim-trixie/);
    const applied = engine.find('devcontainer', 'templates').find((c) => c.args[1] === 'apply');
    assert.equal(JSON.parse(String(applied?.args[applied.args.indexOf('--template-args') + 1])).debianRelease, 'trixie', 'the pair is what was applied');
  });

  it('runs once what two variants pair into (3.13 alone and trixie alone both become 3.13 on trixie), naming the run that tests it', async function () {
    this.timeout(60_000);
    const template = fastapi();
    // Debian trixie ships 3.13 only: no 3.11 or 3.12 image on trixie either.
    const noTrixie311: FakeRule = (call) => {
      const image = call.args.find((a) => /^python:3\.1[12]-/.test(a) && a.endsWith('trixie'));
      if (!image) return undefined;
      if (call.args[0] === 'pull') return { code: 1, stderr: 'dial tcp: lookup registry-1.docker.io: no such host' };
      if (call.args.includes('inspect')) return { code: 1, stderr: `Error: No such image: ${image}` };
      return undefined;
    };
    const paired = new Map<string, string>();
    const defaults = defaultOptionValues(templateOptions(loadTarget(template)));
    const first = await testTemplate(template, { ...context(new FakeEngine(port, [noBookworm313, noTrixie311])), paired }, { option: 'pythonVersion', value: '3.13', values: { ...defaults, pythonVersion: '3.13' } });
    assert.equal(runOutcome(first), 'pass');
    const engine = new FakeEngine(port, [noBookworm313, noTrixie311]);
    const second = await testTemplate(template, { ...context(engine), paired }, { option: 'debianRelease', value: 'trixie', values: { ...defaults, debianRelease: 'trixie' } });
    assert.equal(runOutcome(second), 'skip');
    assert.match(second.steps.find((s) => s.id === 'fit')?.detail ?? '', /python:3\.11-slim-trixie cannot be pulled[^;]*; with pythonVersion=3\.13 its values are those fastapi-gunicorn\[pythonVersion=3\.13\] tests/);
    assert.equal(engine.find('devcontainer', 'templates').length, 0, 'nothing was published or applied for the second');
  });

  it('skips, with the reason, a run of the defaults that cannot be had (nothing else to pair it with)', async function () {
    this.timeout(30_000);
    const template = fastapi();
    const engine = new FakeEngine(port, [noBookworm313]);
    const values = { ...defaultOptionValues(templateOptions(loadTarget(template))), pythonVersion: '3.13' };
    const run = await testTemplate(template, context(engine), { values });
    assert.equal(runOutcome(run), 'skip');
    assert.match(run.steps.find((s) => s.id === 'fit')?.detail ?? '', /python:3\.13-slim-bookworm cannot be pulled/);
    assert.equal(engine.find('devcontainer', 'templates').length, 0, 'nothing was published or applied');
  });
});
