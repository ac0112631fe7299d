import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { main } from '../../src/cli';
import { ensureBaseImages } from '../../src/engine/base-images';
import type { Engine } from '../../src/engine/engine';
import { engineLog } from '../../src/engine/log';
import { PACKAGE_ROOT } from '../../src/version';
import { echoingIo, engineForTests, inventory, minutes, type Inventory } from './helpers';

/**
 * The production checks of `stagepack test` must be able to fail. Each case is the shipped template with
 * one fault a real Dockerfile gets wrong; the lint rule that would catch it first is suppressed inline
 * (with its reason), so that the runtime check is what has to catch it, on the real engine.
 */
interface FaultyCase {
  name: string;
  /** Text edits on the shipped Dockerfile, in order: each `replace` must be found. */
  edits: { replace: string | RegExp; with: string }[];
  /** Fixture folders copied into (a copy of) the Flask sample app, which is then passed with --app. */
  appExtras?: string[];
  /** Files written into that copy of the Flask sample app (replacing its own), by path. */
  appFiles?: Record<string, string>;
  failingStep: string;
  evidence: RegExp;
}

const APP_STAGE = 'FROM base AS app\n';
const BUILDER_INSTALL = '         || pip --python "$VIRTUAL_ENV/bin/python" install "${templateOption:serverPackage}"; }\n';
/** The template's HEALTHCHECK instruction: its first line and its continuation line. */
const HEALTHCHECK = /^HEALTHCHECK [^\n]*\\\n[^\n]*\n/m;
const EXEC_CMD = 'CMD ["gunicorn", "--worker-tmp-dir", "/dev/shm", "--access-logfile", "-", "${templateOption:wsgiApp}"]';

/** A Flask app that logs each visit to a file next to its code, as small apps do until production says no. */
const VISIT_COUNTER_APP = [
  '"""Sample app that appends a line per visit to a file beside its code."""',
  'from pathlib import Path',
  '',
  'from flask import Flask, jsonify',
  '',
  'app = Flask(__name__)',
  'VISITS = Path(__file__).with_name("visits.txt")',
  '',
  '',
  '@app.get("/")',
  'def index():',
  '    # One short line appended per request: concurrent workers never see a half-written counter.',
  '    with VISITS.open("a") as visits:',
  '        visits.write("visit\\n")',
  '    return jsonify(app="sample-flask")',
  '',
  '',
  '@app.get("/healthz")',
  'def healthz():',
  '    return "ok\\n", 200, {"Content-Type": "text/plain"}',
  '',
].join('\n');
/** Its own tests, which pass in the dev container (they never visit `/`, the page that writes). */
const VISIT_COUNTER_TESTS = [
  'import sys',
  'from pathlib import Path',
  '',
  'sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))',
  '',
  'from app import app  # noqa: E402',
  '',
  '',
  'def test_health_answers():',
  '    assert app.test_client().get("/healthz").status_code == 200',
  '',
].join('\n');

const CASES: FaultyCase[] = [
  {
    name: 'an app stage that runs as root',
    edits: [{ replace: 'USER ${APP_UID}:${APP_UID}', with: '# stagepack-ignore app-non-root-user: fixture proving the runtime user check\nUSER root' }],
    failingStep: 'the app runs as a non-root user with a high UID',
    evidence: /pid 1 as uid 0 \(root\)[^\n]* \(USER "root"\)\n\s*fix: create a user with a fixed UID of 10000 or more/,
  },
  {
    name: 'gcc left in the app stage',
    edits: [{ replace: APP_STAGE, with: `${APP_STAGE}# stagepack-ignore app-no-build-tools: fixture proving the runtime build-tools check\nRUN apt-get update && apt-get install -y --no-install-recommends gcc && rm -rf /var/lib/apt/lists/*\n` }],
    failingStep: 'no compilers or headers in the app image',
    evidence: /build tools: [^\n]*\/usr\/bin\/gcc[^\n]*; the app stage adds [\d.]+ MB over python:3\.11-slim-bookworm\n\s*fix: install compilers and -dev packages in the builder stage only/,
  },
  {
    name: 'a token build argument used in the app stage',
    edits: [{ replace: APP_STAGE, with: `${APP_STAGE}# stagepack-ignore no-secrets-in-build-args: fixture proving the secrets scan\nARG INDEX_TOKEN\nRUN test -n "$INDEX_TOKEN" || echo "no index token"\n` }],
    failingStep: 'no build secret in any layer, the config or the history',
    evidence: /the build canary \(passed as a BuildKit secret, [^\n]*--build-arg INDEX_TOKEN\) is in the image: image config\/history \(RUN \|1 INDEX_TOKEN=stagepack-canary-[0-9a-f]+ [^\n]*\)\n\s*fix: pass credentials only through RUN --mount=type=secret/,
  },
  {
    name: 'a runtime library missing from the app image',
    edits: [{ replace: APP_STAGE, with: `${APP_STAGE}# The fault: a library the interpreter's _ctypes module links against is gone from the runtime.\nRUN rm -f /usr/lib/x86_64-linux-gnu/libffi.so.8*\n` }],
    failingStep: 'every shared library resolves in the app image',
    evidence: /libffi\.so\.8 \(needed by [^)]*_ctypes[^)]*\) is missing at run time; the builder has it from the Debian package libffi8\n\s*fix: add the runtime package to the app stage: RUN apt-get update && apt-get install -y --no-install-recommends libffi8/,
  },
  {
    name: 'a C extension whose runtime library is missing from the app stage',
    edits: [
      {
        replace: BUILDER_INSTALL,
        with:
          BUILDER_INSTALL +
          '# The fault\'s setup: a C extension compiled against libpq here, with its headers and a compiler.\n' +
          'COPY pqinfo/ /tmp/pqinfo/\n' +
          'RUN --mount=type=cache,target=/root/.cache/pip \\\n' +
          '    --mount=type=secret,id=pip.conf,target=/etc/pip.conf \\\n' +
          '    apt-get update && apt-get install -y --no-install-recommends gcc libc6-dev libpq-dev \\\n' +
          // The official images ship Python's headers; the stand-in base (Debian's python3) needs python3-dev.
          '    && { python -c "import os, sys, sysconfig; sys.exit(not os.path.exists(sysconfig.get_paths()[\'include\'] + \'/Python.h\'))" \\\n' +
          '         || apt-get install -y --no-install-recommends python3-dev; } \\\n' +
          '    && pip --python "$VIRTUAL_ENV/bin/python" install /tmp/pqinfo \\\n' +
          '    && rm -rf /var/lib/apt/lists/*\n',
      },
    ],
    // The fault itself: the app stage copies the venv but never installs libpq5.
    appExtras: ['test/fixtures/c-extension/pqinfo'],
    failingStep: 'every shared library resolves in the app image',
    evidence: /libpq\.so\.5 \(needed by [^)]*pqinfo[^)]*\) is missing at run time; the builder has it from the Debian package libpq5\n\s*fix: add the runtime package to the app stage: RUN apt-get update && apt-get install -y --no-install-recommends libpq5/,
  },
  {
    name: 'no HEALTHCHECK',
    edits: [
      { replace: APP_STAGE, with: `# stagepack-ignore app-healthcheck: fixture proving the health check\n${APP_STAGE}` },
      { replace: HEALTHCHECK, with: '' },
    ],
    failingStep: 'wait until Docker reports the app healthy',
    evidence: /the app image has no HEALTHCHECK, so Docker cannot tell when it is ready\n\s*fix: add a HEALTHCHECK to the app stage/,
  },
  {
    // The false green of issue "No false greens": GET / answered 301 and counted as success, while the page it
    // named failed (there: SQLite in the read-only code folder).
    name: 'a root path that redirects to a failing page',
    edits: [],
    appFiles: {
      'src/app.py': [
        '"""Sample app whose front page redirects to a page that fails, as a broken deployment does."""',
        'from flask import Flask, redirect',
        '',
        'app = Flask(__name__)',
        '',
        '',
        '@app.get("/")',
        'def index():',
        '    return redirect("/notes/")',
        '',
        '',
        '@app.get("/notes/")',
        'def notes():',
        '    raise RuntimeError("unable to open database file")',
        '',
        '',
        '@app.get("/healthz")',
        'def healthz():',
        '    return "ok\\n", 200, {"Content-Type": "text/plain"}',
        '',
      ].join('\n'),
      // The app's own tests see what its authors saw: the redirect, never the page behind it.
      'tests/test_app.py': [
        'import sys',
        'from pathlib import Path',
        '',
        'sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))',
        '',
        'from app import app  # noqa: E402',
        '',
        '',
        'def test_index_redirects():',
        '    assert app.test_client().get("/").status_code == 302',
        '',
      ].join('\n'),
    },
    failingStep: 'the app answers HTTP on loopback (/)',
    // The page fails with SQLite's own words, which the app's log shows: the check names that cause and its fix.
    evidence: /GET \/ -> 302, then \/notes\/ -> 500: the redirect from \/ ends at \/notes\/, which answered 500, not 2xx[^\n]*\n\s*the app's log shows SQLite could not open or write its database file \("unable to open database file"\)\n\s*fix: the image's folders are not the app's to write/,
  },
  {
    // The app writes into its code folder, which the image gives to root: the page fails, and the app's log
    // says where it tried to write; the check names that path and the fix instead of "see the log".
    name: 'an app that writes into its code folder',
    edits: [],
    appFiles: { 'src/app.py': VISIT_COUNTER_APP, 'src/wsgi.py': 'from app import app as application\n', 'tests/test_app.py': VISIT_COUNTER_TESTS },
    failingStep: 'the app answers HTTP on loopback (/)',
    evidence: /GET \/ -> 500: \/ answered 500, not 2xx[^\n]*\n\s*the app's log shows it could not write \/app\/visits\.txt \(permission denied[^\n]*\n\s*fix: the image's folders are not the app's to write/,
  },
  {
    // The usual "fix" for the case above, as the Flask tutorial's instance folder has it: a folder inside the
    // code handed to the app's user (handing it all of /app fails app-test.sh's read-only check first). Every
    // request now answers, and the image is still wrong (read-only in production, a counter per replica):
    // app-writes sees the write.
    name: 'an app that writes into its code folder, made writable for it',
    edits: [{ replace: 'COPY --from=builder /build/app/ ./', with: 'COPY --from=builder /build/app/ ./\nRUN install -d -o ${APP_UID} -g ${APP_UID} /app/instance' }],
    appFiles: {
      'src/app.py': VISIT_COUNTER_APP.replace('VISITS = Path(__file__).with_name("visits.txt")', 'VISITS = Path(__file__).with_name("instance") / "visits.txt"'),
      'src/wsgi.py': 'from app import app as application\n',
      'tests/test_app.py': VISIT_COUNTER_TESTS,
    },
    failingStep: 'the app wrote nothing into its image while it answered (only /tmp and volumes)',
    evidence: /the app wrote into its image \(into its code folder \/app\): added \/app\/instance\/visits\.txt\n\s*fix: production runs the image with a read-only root/,
  },
  {
    name: 'gunicorn without --worker-tmp-dir',
    edits: [{ replace: EXEC_CMD, with: 'CMD ["gunicorn", "--access-logfile", "-", "${templateOption:wsgiApp}"]' }],
    failingStep: 'gunicorn workers keep their heartbeat in memory',
    evidence: /2 gunicorn worker heartbeat file\(s\) on \/tmp \(overlay\), not in memory[^\n]*\n\s*fix: add --worker-tmp-dir \/dev\/shm to the gunicorn command/,
  },
  {
    name: 'a shell-form CMD',
    edits: [{ replace: EXEC_CMD, with: '# stagepack-ignore app-exec-form: fixture proving the stop check\nCMD gunicorn --worker-tmp-dir /dev/shm --access-logfile - ${templateOption:wsgiApp}' }],
    failingStep: 'docker stop ends the app within 3 s',
    evidence: /docker stop took 1\d\.\d s \(bound 3 s\), exit code 137: the server ignored SIGTERM and was killed\n\s*fix: start the server in exec form/,
  },
];

describe('stagepack test catches faulty production images (end to end)', function () {
  this.timeout(minutes(20));
  let engine: Engine;
  let root: string;
  let baseline: Inventory;
  before(async () => {
    engine = await engineForTests();
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'stagepack-faulty-'));
  });
  after(() => fs.rmSync(root, { recursive: true, force: true }));
  beforeEach(async () => {
    baseline = await inventory(engine);
  });

  it('fails the secret scan of a variant built from the cache as it fails the fresh build it reuses', async () => {
    // The leak: the pip.conf secret (whose index URL carries the canary as its password) copied into the venv,
    // which the app stage copies from the builder. A cached layer proves nothing unless it holds this run's
    // canary: the workers=4 variant differs only in an ENV after the last layer, so it takes the cache path.
    const dir = path.join(root, 'cached-leak', 'flask-gunicorn');
    fs.cpSync(path.join(PACKAGE_ROOT, 'templates', 'flask-gunicorn'), dir, { recursive: true });
    const dockerfile = path.join(dir, 'Dockerfile');
    const text = fs.readFileSync(dockerfile, 'utf8');
    assert.ok(text.includes(BUILDER_INSTALL));
    fs.writeFileSync(dockerfile, text.replace(BUILDER_INSTALL, () => `${BUILDER_INSTALL}RUN --mount=type=secret,id=pip.conf,target=/etc/pip.conf cp /etc/pip.conf "$VIRTUAL_ENV/pip.conf"\n`));
    const io = echoingIo();
    const code = await main(['node', 'stagepack', 'test', dir, '--only', 'flask-gunicorn', '--only', 'flask-gunicorn[workers=4]', '--jobs', '2'], io);
    assert.equal(code, 1, io.out());
    for (const label of ['flask-gunicorn', 'flask-gunicorn\\[workers=4\\]']) {
      assert.match(io.out(), new RegExp(`^FAILED ${label}: step "no build secret in any layer, the config or the history"`, 'm'));
    }
    // Both runs go on at the same time: whichever reaches the build first builds fresh, the other reuses it.
    const reused = io.err().match(/^ {2}flask-gunicorn(\[workers=4\])? {2}ok {3}build the app target \(BuildKit\) \([\d.]+ s\): [0-9a-f]{12}, [\d.]+ MB; from BuildKit's cache: all \d+ layer\(s\) are ones this test built fresh/gm);
    assert.equal(reused?.length, 1, 'one of the two runs built from the cache');
    assert.equal(io.err().match(/the build canary \(passed as [^)]*the package index password in pip\.conf[^)]*\) is in the image: layer/g)?.length, 2, 'both runs found the canary in a layer');
    assert.deepEqual(await inventory(engine), baseline, 'the failed runs left containers or images behind');
  });

  it('fails check:django-migrations-applied for a compose project whose release step never migrated, with the fix', async () => {
    // The fault: the migrate service runs but does not migrate, as a deployment that forgot its release step.
    const dir = path.join(root, 'never-migrated', 'django-postgres');
    fs.cpSync(path.join(PACKAGE_ROOT, 'templates', 'django-postgres'), dir, { recursive: true });
    const compose = path.join(dir, 'compose.yaml');
    const text = fs.readFileSync(compose, 'utf8');
    const release = 'command: ["python", "manage.py", "migrate", "--noinput"]';
    assert.ok(text.includes(release), 'the template no longer runs migrate as its release step');
    fs.writeFileSync(compose, text.replace(release, () => 'command: ["python", "-c", "print(\'release step forgotten\')"]'));
    // Its base images and the database's, made available first (kept, as a pull is): the run itself must
    // then leave the engine exactly as it found it.
    await ensureBaseImages(engine, engineLog((text) => process.stderr.write(`      ${text}`)), ['python:3.11-slim-bookworm', 'python:3.11-bookworm', 'postgres:15-bookworm']);
    baseline = await inventory(engine);
    const io = echoingIo();
    const code = await main(['node', 'stagepack', 'test', '--defaults-only', dir], io);
    assert.equal(code, 1, io.out());
    assert.match(io.out(), /^FAILED django-postgres: step "the database has every migration applied \(migrate --check\)"/m);
    assert.match(io.err(), /python manage\.py migrate --check exited 1, not 0[\s\S]*fix: the release step did not run \(or failed\)/);
    // Everything before it passed: the app answered through the database, so only this check could tell.
    assert.match(io.err(), /ok {3}the app answers through the compose project's database/);
    assert.deepEqual(await inventory(engine), baseline, 'the failed run left containers, images, networks or volumes behind');
  });

  for (const faulty of CASES) {
    it(`fails "${faulty.failingStep}" for ${faulty.name}, with the evidence and the fix`, async () => {
      const dir = path.join(root, faulty.name.replace(/\W+/g, '-'), 'flask-gunicorn');
      fs.cpSync(path.join(PACKAGE_ROOT, 'templates', 'flask-gunicorn'), dir, { recursive: true });
      const dockerfile = path.join(dir, 'Dockerfile');
      let text = fs.readFileSync(dockerfile, 'utf8');
      for (const edit of faulty.edits) {
        const found = typeof edit.replace === 'string' ? text.includes(edit.replace) : edit.replace.test(text);
        assert.ok(found, `the template no longer contains ${String(edit.replace)}`);
        text = text.replace(edit.replace, () => edit.with);
      }
      fs.writeFileSync(dockerfile, text);

      const args = ['node', 'stagepack', 'test', '--defaults-only', dir];
      if (faulty.appExtras || faulty.appFiles) {
        const app = path.join(root, faulty.name.replace(/\W+/g, '-'), 'app');
        fs.cpSync(path.join(PACKAGE_ROOT, 'test', 'fixtures', 'apps', 'flask'), app, { recursive: true });
        for (const extra of faulty.appExtras ?? []) fs.cpSync(path.join(PACKAGE_ROOT, extra), path.join(app, path.basename(extra)), { recursive: true });
        for (const [file, text] of Object.entries(faulty.appFiles ?? {})) fs.writeFileSync(path.join(app, file), text);
        args.push('--app', app);
      }
      const io = echoingIo();
      const code = await main(args, io);
      assert.equal(code, 1, io.out());
      assert.match(io.out(), new RegExp(`^FAILED flask-gunicorn: step "${faulty.failingStep.replace(/[()]/g, '\\$&')}"`, 'm'));
      assert.match(io.err(), faulty.evidence);
      // Lint passed (the fault is suppressed there) and every step before the failing one passed.
      assert.match(io.err(), /ok {3}lint the template/);
      assert.deepEqual(await inventory(engine), baseline, 'the failed run left containers or images behind');
    });
  }
});
