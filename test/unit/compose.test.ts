import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseCompose, substituteCompose } from '../../src/compose-file';
import { applyOptions, defaultOptionValues } from '../../src/template-options';
import { discoverTargets, loadTarget, templateOptions } from '../../src/pack';
import { templateBaseImages } from '../../src/testing/template-steps/setup';
import { packTemplates } from './pack-templates';
import { isV2 } from '../../src/engine/compose-program';
import { standInChanges, standInPackages, standInSpec } from '../../src/engine/base-images';
import { pipConfText } from '../../src/engine/package-index';
import { PACKAGE_ROOT } from '../../src/version';
import { writeOverrideConfig } from '../../src/testing/template-run';
import { databaseVerdict } from '../../src/testing/template-steps/app-run';

describe('compose-based templates', () => {
  it('reads build args (map and list forms) and profiles of compose services', () => {
    const model = parseCompose([
      'services:',
      '  dev:',
      '    build:',
      '      context: .',
      '      target: development',
      '      args:',
      '        PYTHON_VERSION: "3.11"',
      '        EMPTY:',
      '  app:',
      '    profiles: ["app", "prod"]',
      '    build:',
      '      context: .',
      '      args: ["APP_UID=10001", "FROM_ENV"]',
      '  db:',
      '    image: postgres:15-bookworm',
      '',
    ].join('\n'));
    assert.deepEqual(model.errors, []);
    const [dev, app, db] = model.services;
    assert.deepEqual(dev.build?.args, { PYTHON_VERSION: '3.11' });
    assert.deepEqual(dev.profiles, []);
    assert.deepEqual(app.build?.args, { APP_UID: '10001' });
    assert.deepEqual(app.profiles, ['app', 'prod']);
    assert.equal(db.image, 'postgres:15-bookworm');
    assert.equal(db.build, undefined);
  });

  it('reads a build given as an alias of another service\'s (build: *app-build), as compose resolves it', () => {
    const model = parseCompose([
      'services:',
      '  app:',
      '    build: &app-build',
      '      context: .',
      '      target: app',
      '      args:',
      '        PYTHON_VERSION: "3.11"',
      '  migrate:',
      '    build: *app-build',
      '    command: ["python", "manage.py", "migrate"]',
      '',
    ].join('\n'));
    assert.deepEqual(model.errors, []);
    const [app, migrate] = model.services;
    assert.equal(migrate.build?.target, 'app');
    assert.deepEqual(migrate.build?.args, app.build?.args);
  });

  it('names the base images of a compose template\'s options: the dev service\'s Dockerfile with its build args, and the database', () => {
    const template = discoverTargets([path.join(PACKAGE_ROOT, 'templates', 'django-postgres')], PACKAGE_ROOT);
    assert.ok(template.ok);
    const ref = template.targets[0];
    const defaults = defaultOptionValues(templateOptions(loadTarget(ref)));
    assert.deepEqual(templateBaseImages(ref, defaults), ['python:3.11-slim-bookworm', 'python:3.11-bookworm', 'postgres:15-bookworm']);
    // What the fit step pairs pythonVersion=3.13 with: compose passes both as build args.
    assert.deepEqual(templateBaseImages(ref, { ...defaults, pythonVersion: '3.13', debianRelease: 'trixie' }), ['python:3.13-slim-trixie', 'python:3.13-trixie', 'postgres:15-bookworm']);
    assert.deepEqual(templateBaseImages(ref, { ...defaults, postgresVersion: '16' })?.at(-1), 'postgres:16-bookworm');
  });

  it('takes only Compose v2 (build secrets), whatever the version spelling', () => {
    assert.equal(isV2('2.26.1-4'), true);
    assert.equal(isV2('v2.29.7'), true);
    assert.equal(isV2('1.29.2'), false);
    assert.equal(isV2(''), false);
  });

  it('stands in for postgres:<Debian\'s version>-<release> and explains the other versions', () => {
    const spec = standInSpec('postgres:15-bookworm');
    assert.deepEqual(spec, { kind: 'postgres', image: 'postgres:15-bookworm', release: 'bookworm', postgres: '15' });
    assert.deepEqual(standInSpec('docker.io/library/postgres:17-trixie'), { kind: 'postgres', image: 'docker.io/library/postgres:17-trixie', release: 'trixie', postgres: '17' });
    assert.match(JSON.stringify(standInSpec('postgres:16-bookworm')), /Debian bookworm ships PostgreSQL 15, not 16/);
    assert.equal(standInSpec('postgres:15'), undefined);
    if (!spec || 'unsupported' in spec) throw new Error('no spec');
    assert.deepEqual(standInPackages(spec), ['postgresql-15', 'tzdata']);
    const changes = standInChanges(spec);
    assert.ok(changes.includes('ENV PGDATA=/var/lib/postgresql/data'));
    assert.ok(changes.includes('VOLUME /var/lib/postgresql/data'));
    assert.ok(changes.some((c) => c.startsWith('ENV PATH=/usr/lib/postgresql/15/bin:')));
    // The Python stand-ins are unchanged by the PostgreSQL kind.
    assert.deepEqual(standInSpec('python:3.11-slim-bookworm'), { kind: 'python', image: 'python:3.11-slim-bookworm', release: 'bookworm', python: '3.11', variant: 'slim' });
  });

  it('writes the bridge pip.conf from the index variables, without pipenv\'s', () => {
    const text = pipConfText('a test', { PIP_INDEX_URL: 'http://172.17.0.1:1/0/simple/', PIP_TRUSTED_HOST: '172.17.0.1', PIPENV_PYPI_MIRROR: 'x' });
    assert.equal(text, '# Written by stagepack for one run: a test.\n[global]\nindex-url = http://172.17.0.1:1/0/simple/\ntrusted-host = 172.17.0.1\n');
  });

  it('passes only an answer that names the database server', () => {
    assert.equal(databaseVerdict(200, '{"app":"x","database":"15.20 (Debian)"}').ok, true);
    const none = databaseVerdict(200, '{"app":"x","database":null}');
    assert.equal(none.ok, false);
    assert.match(none.detail, /fix: the app service needs DATABASE_URL/);
    assert.equal(databaseVerdict(500, '{"database":"15"}').ok, false);
    assert.equal(databaseVerdict(200, 'not json').ok, false);
  });

  it('overrides a compose config with absolute compose files and the index in remoteEnv, adding no build section', () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'stagepack-override-'));
    try {
      const workspace = path.join(root, 'ws');
      fs.mkdirSync(path.join(workspace, '.devcontainer'), { recursive: true });
      fs.writeFileSync(path.join(workspace, '.devcontainer', 'devcontainer.json'), '// c\n{ "dockerComposeFile": "../compose.yaml", "service": "dev" }\n');
      const written = JSON.parse(fs.readFileSync(writeOverrideConfig(workspace, root, ['--network', 'host'], { PIP_INDEX_URL: 'u' }), 'utf8'));
      assert.deepEqual(written, { dockerComposeFile: [path.join(workspace, 'compose.yaml')], service: 'dev', remoteEnv: { PIP_INDEX_URL: 'u' } });
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });

  it('flask-uwsgi-postgres ships the same Dockerfile, entrypoint and app checks as flask-uwsgi (its NOTES say so)', () => {
    const templates = path.join(PACKAGE_ROOT, 'templates');
    for (const file of ['Dockerfile', '.dockerignore', 'deploy/wait-for-db.sh', '.devcontainer/app-test.sh']) {
      const read = (template: string) => fs.readFileSync(path.join(templates, template, file), 'utf8');
      assert.equal(read('flask-uwsgi-postgres'), read('flask-uwsgi'), `${file} differs: change both templates together`);
    }
  });
});

describe('substituting option values into a parsed compose file', () => {
  const strip = (value: unknown): unknown => JSON.parse(JSON.stringify(value, (key, v: unknown) => (key === 'position' || key === 'targetPosition' ? undefined : v)));

  it('gives the model that parsing the applied text gives, for every variant of the compose templates', () => {
    let compared = 0;
    for (const { template, variants } of packTemplates()) {
      if (!template.compose) continue;
      for (const variant of variants) {
        const substituted = substituteCompose(template.compose.model, variant.values);
        assert.ok(substituted, `${template.folderName}: ${JSON.stringify(variant.values)} was not substituted`);
        assert.deepEqual(strip(substituted), strip(parseCompose(applyOptions(template.compose.file.text, variant.values))), `${template.folderName} ${variant.option}=${variant.value}`);
        compared++;
      }
    }
    assert.ok(compared >= 5, `only ${compared} variants compared`);
  });

  it('declines values that could change the YAML or a volume split, and files with errors', () => {
    const model = parseCompose('services:\n  dev:\n    image: x\n    volumes:\n      - ${templateOption:src}:/w\n');
    // A placeholder in a short-syntax volume: the raw parse split it at its own colon.
    assert.equal(substituteCompose(model, { src: '../data' }), undefined);
    const plain = parseCompose('services:\n  dev:\n    image: python:${templateOption:v}\n');
    assert.equal(substituteCompose(plain, { v: 'a: b' }), undefined);
    assert.equal(substituteCompose(plain, { v: 'x\n  y' }), undefined);
    assert.equal(substituteCompose(parseCompose('services: [\n'), {}), undefined);
    assert.equal(substituteCompose(plain, { v: '3.11' })?.services[0].image, 'python:3.11');
  });
});
