import * as assert from 'node:assert/strict';
import { AppBuilds, sharesLayers, stepsRun, type AppBuildKey } from '../../src/testing/app-builds';

const DOCKERFILE = `ARG PYTHON_VERSION=3.11
FROM python:\${PYTHON_VERSION}-slim AS base
WORKDIR /app
FROM base AS app
# the app
RUN pip install gunicorn
COPY src/ ./
USER 10001
ENV PORT=8000 \\
    WEB_CONCURRENCY=2
EXPOSE 8000
CMD ["gunicorn", "app:app"]
`;

const key = (dockerfile: string, extra: Partial<AppBuildKey> = {}): AppBuildKey => ({ template: '/pack/templates/flask', dockerfile, args: { PYTHON_VERSION: '3.11' }, ...extra });

describe('app builds: which may come from the cache', () => {
  it('predicts shared layers when only what follows the last layer-making instruction differs', () => {
    const a = key(DOCKERFILE);
    assert.ok(sharesLayers(a, key(DOCKERFILE.replace('WEB_CONCURRENCY=2', 'WEB_CONCURRENCY=4'))));
    assert.ok(sharesLayers(a, key(DOCKERFILE.replaceAll('8000', '8080'))));
    assert.ok(sharesLayers(a, key(DOCKERFILE.replace('# the app', '# a comment, and\n\n# blank lines'))), 'comments and blank lines make no layer');
  });

  it('predicts new layers for any difference up to the last layer, another build arg or another template', () => {
    const a = key(DOCKERFILE);
    assert.ok(!sharesLayers(a, key(DOCKERFILE.replace('3.11', '3.12'))), 'the ARG before FROM');
    assert.ok(!sharesLayers(a, key(DOCKERFILE.replace('RUN pip install gunicorn', 'RUN pip install gunicorn uvicorn'))));
    assert.ok(!sharesLayers(a, key(DOCKERFILE.replace('COPY src/ ./', 'COPY --chown=10001 src/ ./'))), 'a flag');
    assert.ok(!sharesLayers(a, key(DOCKERFILE.replace('COPY src/ ./', 'COPY src/ ./\nRUN true'))), 'one more layer');
    assert.ok(!sharesLayers(a, key(DOCKERFILE.replace('USER 10001', 'ENV X=1\nRUN true\nUSER 10001'))), 'an ENV before a RUN');
    assert.ok(!sharesLayers(a, key(DOCKERFILE, { args: { PYTHON_VERSION: '3.12' } })));
    assert.ok(!sharesLayers(a, key(DOCKERFILE, { args: {} })));
    assert.ok(!sharesLayers(a, key(DOCKERFILE, { template: '/pack/templates/django' })));
    assert.ok(!sharesLayers(key('# nothing'), key('# nothing')), 'a Dockerfile without layers shares nothing');
  });

  it('waits for a fresh build going on, reuses it when it succeeded, and builds fresh when it failed', async () => {
    const builds = new AppBuilds();
    const first = await builds.plan(key(DOCKERFILE), 'flask');
    assert.ok(first.fresh);
    let settled = false;
    const second = builds.plan(key(DOCKERFILE.replace('8000', '8080')), 'flask[port=8080]').then((plan) => ((settled = true), plan));
    await new Promise((resolve) => setTimeout(resolve, 20));
    assert.equal(settled, false, 'it decided before the fresh build ended');
    first.done(['l1', 'l2']);
    assert.deepEqual(await second, { fresh: false, sibling: 'flask' });
    assert.deepEqual(builds.notFresh(['l1', 'l2', 'l3']), ['l3']);

    const failing = new AppBuilds();
    const broken = await failing.plan(key(DOCKERFILE), 'flask');
    assert.ok(broken.fresh);
    const after = failing.plan(key(DOCKERFILE), 'flask[workers=4]');
    broken.done(undefined);
    const plan = await after;
    assert.ok(plan.fresh, 'a failed build offers nothing to reuse');
    plan.done(['l1', 'l9']);
    assert.deepEqual(failing.notFresh(['l1', 'l2', 'l9']), ['l2'], "the failed build's layers (none) are not fresh");
  });

  it('two runs waiting on one failed build both build fresh, and forget only that build', async () => {
    const builds = new AppBuilds();
    const other = builds.begin(key(DOCKERFILE.replace('3.11', '3.12')), 'flask[pythonVersion=3.12]');
    const broken = builds.begin(key(DOCKERFILE), 'flask');
    const waiting = [builds.plan(key(DOCKERFILE), 'flask[workers=4]'), builds.plan(key(DOCKERFILE), 'flask[port=8080]')];
    broken.done(undefined);
    const first = await waiting[0];
    assert.ok(first.fresh, 'a failed build offers nothing to reuse');
    first.done(['l1', 'l2']);
    assert.deepEqual(await waiting[1], { fresh: false, sibling: 'flask[workers=4]' }, "the second reuses the first one's fresh build");
    other.done(['l1', 'py312']);
    const python = await builds.plan(key(DOCKERFILE.replace('3.11', '3.12')), 'again');
    assert.deepEqual(python, { fresh: false, sibling: 'flask[pythonVersion=3.12]' }, 'the unrelated build is still known');
  });

  it('settles when every fresh build registered so far has ended, so their layers count', async () => {
    const builds = new AppBuilds();
    const a = builds.begin(key(DOCKERFILE), 'flask');
    const b = builds.begin(key(DOCKERFILE.replace('3.11', '3.12')), 'flask[pythonVersion=3.12]');
    let settled = false;
    const waiting = builds.settled().then(() => (settled = true));
    a.done(['l1', 'a2']);
    await new Promise((resolve) => setTimeout(resolve, 10));
    assert.equal(settled, false);
    assert.deepEqual(builds.notFresh(['l1', 'b2']), ['b2']);
    b.done(['l1', 'b2']);
    await waiting;
    assert.deepEqual(builds.notFresh(['l1', 'a2', 'b2']), []);
  });

  it('reads which steps a build ran rather than took from the cache', () => {
    const log = [
      '#1 [internal] load build definition from Dockerfile',
      '#1 DONE 0.0s',
      '#4 [base 1/2] FROM docker.io/library/python:3.11-slim-bookworm',
      '#4 DONE 0.0s',
      '#5 [base 2/2] WORKDIR /app',
      '#5 CACHED',
      '#6 [app 1/3] RUN groupadd --gid "10001" app     && useradd app',
      '#6 0.101 some output',
      '#6 DONE 0.1s',
      '#7 [app 2/3] COPY --from=builder /opt/venv /opt/venv',
      '#7 CACHED',
      '#9 [app 3/3] COPY src/ ./',
      '#9 ERROR: failed',
    ].join('\n');
    assert.deepEqual(stepsRun(log), ['[app 1/3] RUN groupadd --gid "10001" app && useradd app']);
    assert.deepEqual(stepsRun(''), []);
  });

  it('one canary per test, random', () => {
    assert.match(new AppBuilds().canary, /^stagepack-canary-[0-9a-f]{24}$/);
    assert.notEqual(new AppBuilds().canary, new AppBuilds().canary);
  });
});
