import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { BACKUP_ROOT, conflictsIn, copyIntoProject, templateFiles } from '../../src/init/adopt';
import { detectProject } from '../../src/init/detect';
import { describePlan, planInit, type InitPlan, type TemplateChoice } from '../../src/init/plan';
import { readProjectFiles } from '../../src/init/project-files';
import { readAppliedRecord, recordText, APPLIED_RECORD } from '../../src/init/record';
import { loadTarget, templateOptions } from '../../src/pack';
import { PACKAGE_ROOT } from '../../src/version';

/** The pack's own templates, as init reads them. */
const PACK: TemplateChoice[] = fs.readdirSync(path.join(PACKAGE_ROOT, 'templates')).sort().map((id) => {
  const ref = { kind: 'template' as const, folderName: id, displayDir: `templates/${id}`, absDir: path.join(PACKAGE_ROOT, 'templates', id) };
  const meta = JSON.parse(fs.readFileSync(path.join(ref.absDir, 'devcontainer-template.json'), 'utf8')) as { keywords?: string[] };
  return { id, keywords: meta.keywords ?? [], options: templateOptions(loadTarget(ref)) };
});

function plan(files: Record<string, string>, extra: { template?: string; options?: Record<string, string> } = {}): InitPlan {
  const result = planInit({ facts: detectProject(new Map(Object.entries(files))), templates: PACK, template: extra.template, options: extra.options ?? {} });
  assert.ok(!('problem' in result), 'problem' in result ? result.problem : '');
  return result as InitPlan;
}

const FACTORY = 'from flask import Flask\n\ndef create_app():\n    app = Flask(__name__)\n    @app.get("/health")\n    def health():\n        return "ok"\n    return app\n';

describe('stagepack init: the plan', () => {
  it('a project that lists a PostgreSQL driver gets the compose template with the database, where its packaging fits', () => {
    const django = plan({ 'requirements.txt': 'Django==5.2.17\npsycopg==3.3.6\n', 'manage.py': 'os.environ.setdefault("DJANGO_SETTINGS_MODULE", "blog.settings")\n', 'blog/settings.py': '' });
    assert.equal(django.template, 'django-postgres');
    assert.equal(django.options.djangoProject, 'blog');
    assert.deepEqual(django.problems, []);
    const fastapi = plan({ 'requirements.txt': 'fastapi==0.142.2\nSQLAlchemy==2.0.54\npsycopg-binary==3.3.6\n', 'src/main.py': 'from fastapi import FastAPI\napp = FastAPI()\n' });
    assert.equal(fastapi.template, 'fastapi-postgres');
    // Declared in pyproject.toml only: the compose template takes a pinned requirements.txt, so the plain one is chosen.
    const declared = plan({ 'pyproject.toml': '[project]\nname = "api"\ndependencies = ["fastapi", "psycopg[binary]"]\n', 'src/api/main.py': 'from fastapi import FastAPI\napp = FastAPI()\n' });
    assert.equal(declared.template, 'fastapi-gunicorn');
    // No driver: no database brought up.
    assert.equal(plan({ 'requirements.txt': 'Django==5.2.17\n', 'manage.py': 'os.environ.setdefault("DJANGO_SETTINGS_MODULE", "blog.settings")\n', 'blog/settings.py': '' }).template, 'django');
  });

  it('a Flask app factory in src/ with pinned requirements: flask-gunicorn, the factory called, its health route', () => {
    const p = plan({ 'requirements.txt': 'flask==3.1.3\ngunicorn==26.2.0\n', 'src/notes/__init__.py': FACTORY, '.python-version': '3.12\n' });
    assert.equal(p.template, 'flask-gunicorn');
    assert.deepEqual({ ...p.options }, { wsgiApp: 'notes:create_app()', pythonVersion: '3.12', healthCheckPath: '/health' });
    assert.deepEqual(p.problems, []);
    assert.match(describePlan(p), /^template: flask-gunicorn\n  wsgiApp=notes:create_app\(\) \(src\/notes\/__init__\.py \(def create_app\)\)\n  pythonVersion=3\.12 \(\.python-version\)\n/);
  });

  it('adopts a project declared in pyproject.toml with its code at the root: sourceDir and dependencies set, the server left to the template', () => {
    const p = plan({
      'pyproject.toml': '[build-system]\nrequires = ["flit_core>=3.4"]\nbuild-backend = "flit_core.buildapi"\n[project]\nname = "notes"\nversion = "1.0"\ndescription = "x"\nrequires-python = ">=3.11"\ndependencies = ["flask>=3"]\n',
      'notes/__init__.py': FACTORY.replace('/health', '/healthz'),
      'tests/test_notes.py': 'from notes import create_app\n',
    });
    assert.equal(p.template, 'flask-gunicorn');
    assert.deepEqual({ ...p.options }, { wsgiApp: 'notes:create_app()', pythonVersion: '3.11', sourceDir: '.', dependencies: 'pyproject.toml', healthCheckPath: '/healthz' });
    assert.deepEqual(p.problems, [], 'flask-gunicorn installs gunicorn itself (serverPackage)');
  });

  it('names what stands in the way, with the fix: no server in the dependencies, pyproject only where a pinned requirements.txt is needed; a uv project is installed from pyproject.toml with a note', () => {
    const noServer = plan({ 'requirements.txt': 'flask==3\n', 'src/app.py': 'from flask import Flask\napp = Flask(__name__)\n' }, { template: 'flask-uwsgi' });
    assert.deepEqual(noServer.problems.map((p) => p.fix), ['add uwsgi (pinned) to the runtime requirements']);
    const uv = plan({ 'pyproject.toml': '[project]\nname = "backend"\ndependencies = ["fastapi"]\n', 'uv.lock': 'version = 1\n', 'src/backend/main.py': 'from fastapi import FastAPI\napp = FastAPI()\n' });
    assert.equal(uv.template, 'fastapi-gunicorn');
    assert.deepEqual({ ...uv.options }, { asgiApp: 'backend.main:app', dependencies: 'pyproject.toml', healthCheckPath: '/' });
    assert.deepEqual(uv.problems, [], 'fastapi-gunicorn installs gunicorn and uvicorn itself');
    assert.ok(uv.notes.some((n) => /^uv\.lock is not read .*\(uv export --no-hashes -o requirements\.txt\)/.test(n)), uv.notes.join('\n'));
    const django = plan({ 'pyproject.toml': '[project]\nname = "x"\ndependencies = ["django"]\n', 'manage.py': 'os.environ.setdefault("DJANGO_SETTINGS_MODULE", "blog.settings")\n', 'blog/settings.py': '' });
    assert.equal(django.template, 'django');
    assert.equal(django.options.djangoProject, 'blog');
    assert.match(django.problems[0].problem, /django installs a pinned requirements\.txt, and the project's dependencies are in pyproject\.toml/);
    assert.match(django.problems[0].fix, /pip-compile pyproject\.toml -o requirements\.txt/);
    assert.equal(django.options.sourceDir, '.', 'the django template takes manage.py at the root');
    assert.equal(django.problems.length, 1);
  });

  it('says so when there is no application, and honours --template and --option over what it found', () => {
    const none = planInit({ facts: detectProject(new Map([['README.md', '']])), templates: PACK, options: {} });
    assert.ok('problem' in none && /no Flask, Django, FastAPI or Streamlit application/.test(none.problem));
    const chosen = plan({ 'requirements.txt': 'flask==3\ngunicorn==23\n', 'src/app.py': 'from flask import Flask\napp = Flask(__name__)\n' }, { template: 'flask-gunicorn', options: { port: '8080' } });
    assert.equal(chosen.options.port, '8080');
    assert.ok(chosen.reasons.includes('port=8080 (--option)'));
    const unknown = planInit({ facts: detectProject(new Map()), templates: PACK, template: 'flask-gunicorn', options: { djangoProject: 'x' } });
    assert.ok('problem' in unknown && /flask-gunicorn has no option "djangoProject"/.test(unknown.problem));
  });

  it('falls back to / for the health check when the code has no health route, and says how to add one', () => {
    const p = plan({ 'requirements.txt': 'flask==3\ngunicorn==23\n', 'src/app.py': 'from flask import Flask\napp = Flask(__name__)\n' });
    assert.equal(p.options.healthCheckPath, '/');
    assert.ok(p.notes.some((n) => /add a cheap health route/.test(n)));
  });

  it('takes a proposal-only value as the project says it, and keeps the default of an enum that does not offer it', () => {
    const files = { 'requirements.txt': 'flask==3\ngunicorn==23\n', 'src/app.py': 'from flask import Flask\napp = Flask(__name__)\n', 'runtime.txt': 'python-3.9.1\n' };
    assert.equal(plan(files).options.pythonVersion, '3.9', 'proposals are suggestions: free text goes');
    const strict = PACK.map((t) => (t.id === 'flask-gunicorn' ? { ...t, options: { ...t.options, pythonVersion: { type: 'string', enum: ['3.11', '3.12'], default: '3.11' } } } : t));
    const result = planInit({ facts: detectProject(new Map(Object.entries(files))), templates: strict, options: {} }) as InitPlan;
    assert.equal(result.options.pythonVersion, undefined);
    assert.ok(result.notes.some((n) => /pythonVersion: the project says 3\.9 \(runtime\.txt\), which flask-gunicorn does not offer \(3\.11, 3\.12\); its default is kept/.test(n)));
  });
});

describe('stagepack init: adding the files', () => {
  let root: string;
  let from: string;
  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'stagepack-adopt-'));
    from = path.join(root, 'applied');
    fs.mkdirSync(path.join(from, '.devcontainer'), { recursive: true });
    fs.writeFileSync(path.join(from, 'Dockerfile'), 'FROM x\n');
    fs.writeFileSync(path.join(from, '.devcontainer', 'test.sh'), '#!/bin/sh\n', { mode: 0o755 });
    fs.mkdirSync(path.join(root, 'project'));
  });
  afterEach(() => fs.rmSync(root, { recursive: true, force: true }));
  const project = () => path.join(root, 'project');

  it('lists what the template adds, without the files apply never copies', () => {
    assert.deepEqual(templateFiles(path.join(PACKAGE_ROOT, 'templates', 'flask-gunicorn')), ['.devcontainer/app-test.sh', '.devcontainer/devcontainer.json', '.devcontainer/test.sh', '.dockerignore', 'Dockerfile']);
  });

  it('finds conflicts of any kind: a file, a dangling link, a file where a folder must be', () => {
    fs.writeFileSync(path.join(project(), 'Dockerfile'), 'mine\n');
    assert.deepEqual(conflictsIn(project(), ['Dockerfile', '.devcontainer/test.sh']), ['Dockerfile']);
    fs.symlinkSync('/nonexistent', path.join(project(), '.devcontainer'));
    assert.deepEqual(conflictsIn(project(), ['Dockerfile', '.devcontainer/test.sh']), ['.devcontainer', 'Dockerfile']);
  });

  it('adds files with their modes, and with force moves each replaced one into a backup first', () => {
    fs.writeFileSync(path.join(project(), 'Dockerfile'), 'mine\n');
    fs.writeFileSync(path.join(project(), 'app.py'), 'untouched\n');
    const result = copyIntoProject(project(), from, ['.devcontainer/test.sh', 'Dockerfile'], true, new Date('2026-12-02T10:00:00.000Z'));
    assert.deepEqual(result, { added: ['.devcontainer/test.sh'], replaced: ['Dockerfile'], backupDir: `${BACKUP_ROOT}/2026-12-02T10-00-00-000Z` });
    assert.equal(fs.readFileSync(path.join(project(), 'Dockerfile'), 'utf8'), 'FROM x\n');
    assert.equal(fs.readFileSync(path.join(project(), BACKUP_ROOT, '2026-12-02T10-00-00-000Z', 'Dockerfile'), 'utf8'), 'mine\n');
    assert.equal(fs.statSync(path.join(project(), '.devcontainer', 'test.sh')).mode & 0o777, 0o755);
    assert.equal(fs.readFileSync(path.join(project(), 'app.py'), 'utf8'), 'untouched\n');
  });

  it('is all or nothing: a failure half-way removes what it wrote and puts the backups back', () => {
    fs.writeFileSync(path.join(project(), 'Dockerfile'), 'mine\n');
    // The second file does not exist in the applied folder: the copy fails after the first.
    assert.throws(() => copyIntoProject(project(), from, ['Dockerfile', 'missing.txt'], true), /ENOENT/);
    assert.deepEqual(fs.readdirSync(project()).sort(), ['Dockerfile']);
    assert.equal(fs.readFileSync(path.join(project(), 'Dockerfile'), 'utf8'), 'mine\n');
  });

  it('reads the project without virtual environments, caches or version control', () => {
    for (const [file, text] of Object.entries({ 'src/app.py': 'x', '.venv/lib/site.py': 'no', '.git/config.py': 'no', 'node_modules/a.py': 'no', 'Pipfile': 'x', 'README.md': 'not read' })) {
      fs.mkdirSync(path.dirname(path.join(project(), file)), { recursive: true });
      fs.writeFileSync(path.join(project(), file), text);
    }
    assert.deepEqual([...readProjectFiles(project()).keys()], ['Pipfile', 'src/app.py']);
  });

  it('records what was applied and reads it back; a broken record names the file', () => {
    fs.mkdirSync(path.join(project(), '.devcontainer'));
    fs.writeFileSync(path.join(project(), APPLIED_RECORD), recordText({ template: 'flask-gunicorn', version: '1.0.1', source: 'x', options: { wsgiApp: 'notes:create_app()' }, files: ['Dockerfile'] }));
    assert.deepEqual(readAppliedRecord(project()), { found: true, record: { template: 'flask-gunicorn', version: '1.0.1', source: 'x', options: { wsgiApp: 'notes:create_app()' }, files: ['Dockerfile'] } });
    fs.writeFileSync(path.join(project(), APPLIED_RECORD), '{"template": ');
    const broken = readAppliedRecord(project());
    assert.ok(broken.found && 'problem' in broken && /^\.devcontainer\/stagepack-applied\.json:1:14: not a JSON object/.test(broken.problem));
  });
});

describe('stagepack init: applying again with the recorded answers', () => {
  it('keeps the recorded answers over what it detects, lets --option win, and drops an answer for an option that is gone', () => {
    const files = { 'requirements.txt': 'flask==3\ngunicorn==23\n', 'src/app.py': 'from flask import Flask\napp = Flask(__name__)\n' };
    const result = planInit({ facts: detectProject(new Map(Object.entries(files))), templates: PACK, template: 'flask-gunicorn', options: { port: '5000' }, recorded: { workers: '3', port: '8080', removedOption: 'x' } }) as InitPlan;
    assert.equal(result.options.workers, '3');
    assert.equal(result.options.port, '5000');
    assert.ok(result.reasons.includes('workers=3 (recorded)'));
    assert.ok(result.reasons.includes('port=5000 (--option)'));
    assert.ok(result.notes.some((n) => /the recorded answer removedOption=x is dropped: flask-gunicorn has no option "removedOption" now/.test(n)));
  });
});
