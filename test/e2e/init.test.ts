import * as assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { main } from '../../src/cli';
import type { Engine } from '../../src/engine/engine';
import { devcontainerCli } from '../../src/devcontainer-cli';
import { engineLog } from '../../src/engine/log';
import { startEphemeralRegistry } from '../../src/engine/registry';
import { copyForPublishing } from '../../src/publish-copy';
import { PACKAGE_ROOT } from '../../src/version';
import { echoingIo, engineForTests, inventory, minutes } from './helpers';

const PROJECTS = path.join(PACKAGE_ROOT, 'test', 'fixtures', 'projects');

/** Every file of a folder with the SHA-256 of its content and its mode. */
function snapshot(dir: string): Map<string, string> {
  const files = new Map<string, string>();
  for (const entry of fs.readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile()) continue;
    const file = path.join(entry.parentPath, entry.name);
    files.set(path.relative(dir, file), `${createHash('sha256').update(fs.readFileSync(file)).digest('hex')} ${(fs.statSync(file).mode & 0o777).toString(8)}`);
  }
  return files;
}

/**
 * `stagepack init` on projects shaped like real ones (our own fixtures), then `stagepack test DIR` on the
 * result, with the real Dev Containers CLI, registry and Docker engine: the project is adopted without one
 * of its files changed, and the dev container, the app image and every production check pass on it.
 */
describe('stagepack init, then stagepack test DIR (end to end, real engine, registry and Dev Containers CLI)', function () {
  this.timeout(minutes(20));
  let engine: Engine;
  let root: string;

  before(async () => {
    engine = await engineForTests();
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'stagepack-init-e2e-'));
  });
  after(() => fs.rmSync(root, { recursive: true, force: true }));

  it('adopts a Flask app factory declared in pyproject.toml (code at the root, no server listed) and passes every check on it', async () => {
    const project = path.join(root, 'notes');
    fs.cpSync(path.join(PROJECTS, 'flask-factory'), project, { recursive: true });
    const before = snapshot(project);

    const init = echoingIo(root);
    assert.equal(await main(['node', 'stagepack', 'init', 'notes'], init), 0, `${init.out()}${init.err()}`);
    assert.match(init.out(), /^template: flask-gunicorn$/m);
    for (const reason of ['wsgiApp=notes:create_app() (notes/__init__.py (def create_app))', 'sourceDir=. (', 'dependencies=pyproject.toml (pyproject.toml ([project], build-backend flit_core.buildapi))', 'healthCheckPath=/healthz (notes/__init__.py (route /healthz))', 'pythonVersion=3.11 (pyproject.toml (requires-python ">=3.11"))']) {
      assert.ok(init.out().includes(reason), `the plan gives "${reason}":\n${init.out()}`);
    }
    assert.match(init.out(), /^applied flask-gunicorn \d+\.\d+\.\d+: added 6 file\(s\)$/m);

    // Only added: every file the project had is byte for byte and mode for mode what it was.
    const after = snapshot(project);
    for (const [file, hash] of before) assert.equal(after.get(file), hash, `init changed ${file}`);
    assert.deepEqual([...after.keys()].filter((f) => !before.has(f)).sort(), [
      '.devcontainer/app-test.sh', '.devcontainer/devcontainer.json', '.devcontainer/stagepack-applied.json', '.devcontainer/test.sh', '.dockerignore', 'Dockerfile',
    ]);
    const record = JSON.parse(fs.readFileSync(path.join(project, '.devcontainer', 'stagepack-applied.json'), 'utf8').replace(/^\/\/.*\n/, '')) as { template: string; options: Record<string, string> };
    assert.equal(record.template, 'flask-gunicorn');
    assert.equal(record.options.wsgiApp, 'notes:create_app()');

    // What an application team runs in CI after init: the project as it is, a page of its own checked too, and
    // its run-time configuration given to the app.
    const baseline = await inventory(engine);
    const test = echoingIo(root);
    const code = await main(['node', 'stagepack', 'test', 'notes', '--check-path', '/api/notes', '--env', 'NOTES_GREETING=greetings-from-env'], test);
    assert.equal(code, 0, test.out());
    assert.match(test.out(), /^1 passed, 0 skipped, 0 failed$/m);
    assert.match(test.out(), /^notes +apply +copy the project as it is \(nothing applied\) +PASS/m);
    assert.doesNotMatch(test.out(), /^notes +(lint|publish) /m, 'a project is neither linted as a template nor published');
    assert.match(test.out(), /^notes +app-http +the app answers HTTP on loopback \(\/, \/api\/notes\) +PASS/m);
    // The app saw the variable: its API answers with it, through the app-http check's detail.
    assert.match(test.err(), /GET \/api\/notes -> 200 \{"notes":\[\{"id":1,"text":"greetings-from-env"\}\]\}/);
    assert.match(test.err(), /ok {3}the template's own checks of the app image[^\n]*the app user can import notes:create_app\(\)/);
    assert.match(test.err(), /ok {3}devcontainer exec \.devcontainer\/test\.sh[^\n]*the application's tests pass \(pytest\)/);
    assert.deepEqual(await inventory(engine), baseline, 'the run left containers or images behind');
    // The test worked on a copy: the project holds what init left, nothing more.
    assert.deepEqual([...snapshot(project).keys()].sort(), [...after.keys()].sort());
  });

  it('adopts a FastAPI package under src/ declared in pyproject.toml with a uv.lock, and tests it with its required settings from an env file', async () => {
    const project = path.join(root, 'backend');
    fs.cpSync(path.join(PROJECTS, 'fastapi-backend'), project, { recursive: true });
    const before = snapshot(project);
    const init = echoingIo(root);
    assert.equal(await main(['node', 'stagepack', 'init', 'backend'], init), 0, `${init.out()}${init.err()}`);
    assert.match(init.out(), /^template: fastapi-gunicorn$/m);
    for (const reason of ['asgiApp=backend.main:app (src/backend/main.py (app = FastAPI(...)))', 'dependencies=pyproject.toml (uv.lock, with pyproject.toml)', 'healthCheckPath=/health (src/backend/main.py (route /health))', 'pythonVersion=3.11 (.python-version)']) {
      assert.ok(init.out().includes(reason), `the plan gives "${reason}":\n${init.out()}`);
    }
    assert.match(init.out(), /^note: uv\.lock is not read/m);
    const after = snapshot(project);
    for (const [file, hash] of before) assert.equal(after.get(file), hash, `init changed ${file}`);

    // The app refuses to start without BACKEND_API_TOKEN: the env file is what makes it run, in the dev
    // container (its tests, gunicorn --check-config) and in the app image.
    const envFile = path.join(root, 'backend.env');
    fs.writeFileSync(envFile, '# the backend\'s required settings\nBACKEND_API_TOKEN=e2e-secret-token\nBACKEND_SERVICE_NAME=from-env-file\n');
    const baseline = await inventory(engine);
    const test = echoingIo(root);
    const code = await main(['node', 'stagepack', 'test', 'backend', '--env-file', 'backend.env', '--check-path', '/api/items'], test);
    assert.equal(code, 0, test.out());
    assert.match(test.out(), /^1 passed, 0 skipped, 0 failed$/m);
    assert.match(test.err(), /GET \/api\/items -> 200 \{"items":\[\{"id":1,"name":"first"\}\],"service":"from-env-file"\}/);
    assert.match(test.err(), /ok {3}the template's own checks of the app image[^\n]*imports backend\.main from the installed package in \/opt\/venv/);
    assert.ok(!`${test.out()}${test.err()}`.includes('e2e-secret-token'), 'the token from the env file is never printed');
    assert.deepEqual(await inventory(engine), baseline, 'the run left containers or images behind');
  });

  it('adopts a Django project with manage.py at the root, its own project name and manifest static files, and passes every check on it', async () => {
    const project = path.join(root, 'bookshelf');
    fs.cpSync(path.join(PROJECTS, 'django-bookshelf'), project, { recursive: true });
    const before = snapshot(project);
    const init = echoingIo(root);
    assert.equal(await main(['node', 'stagepack', 'init', 'bookshelf'], init), 0, `${init.out()}${init.err()}`);
    assert.match(init.out(), /^template: django$/m);
    for (const reason of ['djangoProject=bookshelf (manage.py (DJANGO_SETTINGS_MODULE=bookshelf.settings))', 'collectStatic=true (bookshelf.settings sets STATIC_ROOT)', 'sourceDir=. (', 'healthCheckPath=/healthz/ (bookshelf/urls.py (route healthz/))', 'pythonVersion=3.11 (runtime.txt)']) {
      assert.ok(init.out().includes(reason), `the plan gives "${reason}":\n${init.out()}`);
    }
    assert.match(init.out(), /^note: the Procfile's release step runs migrations/m);
    const after = snapshot(project);
    for (const [file, hash] of before) assert.equal(after.get(file), hash, `init changed ${file}`);

    const baseline = await inventory(engine);
    const test = echoingIo(root);
    const code = await main(['node', 'stagepack', 'test', 'bookshelf'], test);
    assert.equal(code, 0, test.out());
    assert.match(test.out(), /^1 passed, 0 skipped, 0 failed$/m);
    // The page renders {% static %} through the manifest storage: a 200 proves collectstatic ran at build time.
    assert.match(test.err(), /ok {3}the app answers HTTP on loopback \(\/\)[^\n]*GET \/ -> 200 <!doctype html>/);
    assert.match(test.err(), /ok {3}the template's own checks of the app image[^\n]*Django's system checks pass/);
    assert.deepEqual(await inventory(engine), baseline, 'the run left containers or images behind');
  });

  it('adopts a Streamlit app at the root with a Pipfile and its lock, and passes every check on it', async () => {
    const project = path.join(root, 'sales');
    fs.cpSync(path.join(PROJECTS, 'streamlit-sales'), project, { recursive: true });
    const before = snapshot(project);
    const init = echoingIo(root);
    assert.equal(await main(['node', 'stagepack', 'init', 'sales'], init), 0, `${init.out()}${init.err()}`);
    assert.match(init.out(), /^template: streamlit-pipenv$/m);
    for (const reason of ['appScript=streamlit_app.py (streamlit_app.py (import streamlit))', 'pythonVersion=3.11 (Pipfile ([requires] python_version))']) {
      assert.ok(init.out().includes(reason), `the plan gives "${reason}":\n${init.out()}`);
    }
    const after = snapshot(project);
    for (const [file, hash] of before) assert.equal(after.get(file), hash, `init changed ${file}`);

    const baseline = await inventory(engine);
    const test = echoingIo(root);
    const code = await main(['node', 'stagepack', 'test', 'sales'], test);
    assert.equal(code, 0, test.out());
    assert.match(test.out(), /^1 passed, 0 skipped, 0 failed$/m);
    assert.match(test.err(), /ok {3}the template's own checks of the app image[^\n]*the script streamlit_app\.py is there, read-only for the app user; PID 1 is the Streamlit server/);
    assert.deepEqual(await inventory(engine), baseline, 'the run left containers or images behind');
  });

  it('applies a template from a registry reference, and applies again with the recorded answers', async function () {
    this.timeout(minutes(5));
    const registry = await startEphemeralRegistry(engineLog(() => undefined), path.join(root, 'registry'));
    try {
      const collection = path.join(root, 'collection');
      copyForPublishing(path.join(PACKAGE_ROOT, 'templates', 'flask-gunicorn'), path.join(collection, 'flask-gunicorn'));
      const published = await devcontainerCli(['templates', 'publish', '--registry', registry.host, '--namespace', 'acme/templates', collection], { env: { TMPDIR: root } });
      assert.equal(published.code, 0, published.stderr);
      const reference = `${registry.host}/acme/templates/flask-gunicorn:1`;
      const project = path.join(root, 'remote');
      fs.cpSync(path.join(PROJECTS, 'flask-factory'), project, { recursive: true });

      const dry = echoingIo(root);
      assert.equal(await main(['node', 'stagepack', 'init', 'remote', '--template', reference, '--dry-run'], dry), 0, `${dry.out()}${dry.err()}`);
      assert.match(dry.out(), /^files of localhost:\d+\/acme\/templates\/flask-gunicorn:1: \.devcontainer\/app-test\.sh, \.devcontainer\/devcontainer\.json, \.devcontainer\/test\.sh, \.dockerignore, Dockerfile$/m);
      assert.ok(!fs.existsSync(path.join(project, 'Dockerfile')), 'a dry run wrote nothing');

      const init = echoingIo(root);
      assert.equal(await main(['node', 'stagepack', 'init', 'remote', '--template', reference, '--option', 'workers=3'], init), 0, `${init.out()}${init.err()}`);
      assert.match(init.out(), /^  wsgiApp=notes:create_app\(\) /m);
      const record = () => JSON.parse(fs.readFileSync(path.join(project, '.devcontainer', 'stagepack-applied.json'), 'utf8').replace(/^\/\/.*\n/, '')) as { source: string; options: Record<string, string> };
      assert.equal(record().source, reference);
      assert.equal(record().options.workers, '3');
      assert.match(fs.readFileSync(path.join(project, 'Dockerfile'), 'utf8'), /WEB_CONCURRENCY=3/);

      // Again, without naming the template: the record's template and answers (workers=3) are used; every file
      // init wrote is a conflict now, so --force backs them up.
      const again = echoingIo(root);
      assert.equal(await main(['node', 'stagepack', 'init', 'remote', '--force'], again), 0, `${again.out()}${again.err()}`);
      assert.match(again.out(), /^applied before: flask-gunicorn \d+\.\d+\.\d+ \(\.devcontainer\/stagepack-applied\.json\); its answers are kept$/m);
      assert.match(again.out(), /^  workers=3 \(recorded\)$/m);
      assert.equal(record().options.workers, '3');
      assert.match(again.out(), /replaced [^\n]*Dockerfile[^\n]*\(the originals are in \.stagepack-backup\//);
    } finally {
      await registry.stop();
    }
  });

  it('refuses to replace a project\'s own Dockerfile and devcontainer.json, and with --force keeps a backup of each', async () => {
    const project = path.join(root, 'own-files');
    fs.cpSync(path.join(PROJECTS, 'flask-own-files'), project, { recursive: true });
    const before = snapshot(project);

    const refused = echoingIo(root);
    assert.equal(await main(['node', 'stagepack', 'init', 'own-files'], refused), 1, refused.out());
    assert.match(refused.out(), /^the project already has \.devcontainer\/devcontainer\.json, Dockerfile; nothing was written$/m);
    assert.match(refused.out(), /^fix: keep them and adopt by hand, or run again with --force/m);
    assert.deepEqual(snapshot(project), before, 'a refused init wrote nothing');

    const dry = echoingIo(root);
    assert.equal(await main(['node', 'stagepack', 'init', 'own-files', '--dry-run', '--force'], dry), 0, dry.out());
    assert.match(dry.out(), /--dry-run: nothing was written \(--force would back up and replace \.devcontainer\/devcontainer\.json, Dockerfile\)/);
    assert.deepEqual(snapshot(project), before, 'a dry run wrote nothing');

    const forced = echoingIo(root);
    assert.equal(await main(['node', 'stagepack', 'init', 'own-files', '--force'], forced), 0, forced.out());
    const backup = /replaced \.devcontainer\/devcontainer\.json, Dockerfile \(the originals are in (\.stagepack-backup\/[\w-]+)\/\)/.exec(forced.out())?.[1];
    assert.ok(backup, forced.out());
    for (const file of ['Dockerfile', '.devcontainer/devcontainer.json']) {
      assert.equal(snapshot(path.join(project, backup)).get(file), before.get(file), `the backup of ${file} is the original`);
      assert.notEqual(snapshot(project).get(file), before.get(file), `${file} is the template's now`);
    }
    for (const [file, hash] of before) if (file !== 'Dockerfile' && file !== '.devcontainer/devcontainer.json') assert.equal(snapshot(project).get(file), hash, `init changed ${file}`);
  });
});
