import * as assert from 'node:assert/strict';
import { detectProject } from '../../src/init/detect';

/** Projects shaped like the real ones `stagepack init` must adopt as they are (our own minimal texts). */
const project = (files: Record<string, string>) => detectProject(new Map(Object.entries(files)));

describe('stagepack init: reading a project as it is', () => {
  it('a Flask app factory in a package, pyproject.toml with a flit backend, no server listed', () => {
    const facts = project({
      'pyproject.toml': '[build-system]\nrequires = ["flit_core<4"]\nbuild-backend = "flit_core.buildapi"\n\n[project]\nname = "notes"\nversion = "1.0.0"\nrequires-python = ">=3.10"\ndependencies = ["Flask>=3", "python-dotenv"]\n\n[project.optional-dependencies]\ntest = ["pytest"]\n',
      'notes/__init__.py': 'import os\nfrom flask import Flask\n\ndef create_app(test_config=None):\n    app = Flask(__name__, instance_relative_config=True)\n    return app\n',
      'notes/db.py': 'import sqlite3\n',
      'tests/test_factory.py': 'from notes import create_app\n',
    });
    assert.deepEqual(facts.frameworks, [{ value: { kind: 'flask', app: 'notes:create_app()' }, from: 'notes/__init__.py (def create_app)' }]);
    assert.deepEqual(facts.packaging, { value: { kind: 'pyproject', backend: 'flit_core.buildapi', groups: ['test'] }, from: 'pyproject.toml ([project], build-backend flit_core.buildapi)' });
    assert.deepEqual(facts.pythonVersion, { value: '3.10', from: 'pyproject.toml (requires-python ">=3.10")' });
    assert.equal(facts.sourceDir.value, '.');
    assert.deepEqual(facts.dependencies, ['flask', 'python-dotenv']);
    assert.ok(!facts.dependencies.includes('gunicorn'), 'no server listed: init must add one, not assume it');
  });

  it('a Django project with manage.py at the root, a project name of its own, a Procfile with release steps', () => {
    const facts = project({
      'manage.py': '#!/usr/bin/env python\nimport os\n\ndef main():\n    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bookshelf.settings")\n',
      'bookshelf/settings.py': 'STATIC_ROOT = BASE_DIR / "staticfiles"\n',
      'bookshelf/urls.py': 'from django.urls import path\nurlpatterns = [path("healthz/", health), path("admin/", admin.site.urls)]\n',
      'requirements.txt': 'Django==4.2.11\nwhitenoise==6.6.0  # static files\ngunicorn==21.2.0\n-r requirements-base.txt\n',
      'runtime.txt': 'python-3.11.8\n',
      Procfile: 'release: python manage.py migrate && python manage.py collectstatic --noinput\nweb: gunicorn bookshelf.wsgi\n',
    });
    assert.deepEqual(facts.frameworks, [{ value: { kind: 'django', project: 'bookshelf', settings: 'bookshelf.settings', staticRoot: true }, from: 'manage.py (DJANGO_SETTINGS_MODULE=bookshelf.settings)' }]);
    assert.deepEqual(facts.procfile, { release: 'python manage.py migrate && python manage.py collectstatic --noinput', web: 'gunicorn bookshelf.wsgi' });
    assert.deepEqual(facts.pythonVersion, { value: '3.11', from: 'runtime.txt' });
    assert.deepEqual(facts.healthPath, { value: '/healthz/', from: 'bookshelf/urls.py (route healthz/)' });
    assert.deepEqual(facts.packaging?.value, { kind: 'requirements', files: ['requirements.txt'] });
    assert.deepEqual(facts.dependencies, ['django', 'gunicorn', 'whitenoise']);
  });

  it('a FastAPI app in a package under src/, pyproject.toml and uv.lock, a .python-version pin', () => {
    const facts = project({
      'pyproject.toml': '[project]\nname = "backend"\nversion = "0.1.0"\nrequires-python = ">=3.11"\ndependencies = ["fastapi[standard]>=0.110", "SQLAlchemy_Utils"]\n\n[dependency-groups]\ndev = ["pytest"]\n',
      'uv.lock': 'version = 1\n',
      '.python-version': '3.12\n',
      'src/backend/__init__.py': '',
      'src/backend/main.py': 'from fastapi import FastAPI\n\napp = FastAPI(title="Backend")\n\n@app.get("/health")\ndef health():\n    return {"ok": True}\n',
    });
    assert.deepEqual(facts.frameworks, [{ value: { kind: 'fastapi', app: 'backend.main:app' }, from: 'src/backend/main.py (app = FastAPI(...))' }]);
    assert.equal(facts.sourceDir.value, 'src');
    assert.deepEqual(facts.packaging, { value: { kind: 'uv', installable: true }, from: 'uv.lock' });
    assert.deepEqual(facts.pythonVersion, { value: '3.12', from: '.python-version' });
    assert.deepEqual(facts.healthPath?.value, '/health');
    assert.deepEqual(facts.dependencies, ['fastapi', 'sqlalchemy-utils']);
  });

  it('a Streamlit script with a Pipfile and its lock, Python from [requires]', () => {
    const facts = project({
      Pipfile: '[[source]]\nurl = "https://pypi.org/simple"\nverify_ssl = true\nname = "pypi"\n\n[packages]\nstreamlit = "*"\npandas = "==2.2.0"\n\n[requires]\npython_version = "3.11"\n',
      'Pipfile.lock': '{}',
      'streamlit_app.py': 'import streamlit as st\n\nst.title("Sales")\n',
    });
    assert.deepEqual(facts.frameworks, [{ value: { kind: 'streamlit', script: 'streamlit_app.py' }, from: 'streamlit_app.py (import streamlit)' }]);
    assert.deepEqual(facts.packaging, { value: { kind: 'pipenv', locked: true }, from: 'Pipfile and Pipfile.lock' });
    assert.deepEqual(facts.pythonVersion, { value: '3.11', from: 'Pipfile ([requires] python_version)' });
    assert.deepEqual(facts.dependencies, ['pandas', 'streamlit']);
  });

  it('a module-level Flask app object, poetry, and nothing it cannot see is guessed', () => {
    const facts = project({
      'pyproject.toml': '[tool.poetry]\nname = "x"\n[tool.poetry.dependencies]\npython = "^3.11"\nFlask = "^3.0"\n',
      'poetry.lock': '',
      'wsgi.py': 'from flask import Flask\napplication = Flask(__name__)\n',
    });
    assert.deepEqual(facts.frameworks.map((f) => f.value), [{ kind: 'flask', app: 'wsgi:application' }]);
    assert.deepEqual(facts.packaging?.value, { kind: 'poetry', installable: false });
    assert.equal(facts.pythonVersion, undefined, 'a caret range is not read as a version');
    assert.equal(facts.healthPath, undefined);
    assert.equal(facts.procfile, undefined);
    assert.deepEqual(facts.dependencies, ['flask']);
  });

  it('broken packaging files are not read as anything (no exception)', () => {
    const facts = project({ 'pyproject.toml': '[project\nname = ', Pipfile: '= =', 'app.py': 'print(1)\n' });
    assert.deepEqual(facts.frameworks, []);
    assert.deepEqual(facts.packaging, { value: { kind: 'pipenv', locked: false }, from: 'Pipfile (no Pipfile.lock)' });
    assert.deepEqual(facts.dependencies, []);
  });
});
