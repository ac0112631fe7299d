import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ConfigError, readConfig } from '../../../src/lint/config';
import { lintTargets } from '../../../src/lint/lint';
import { rules } from '../../../src/lint/rules';
import rule from '../../../src/lint/rules/suppression-comments';
import { PACKAGE_ROOT } from '../../../src/version';
import { APP_HEAD, APP_TAIL, BASE, BUILDER, DEVELOPMENT, dockerfile, withAppTail } from './dockerfile-cases';
import { ruleTester } from './rule-tester';

/** Suppressions are applied by the runner; this table runs the rule they silence alongside. */
ruleTester(rule, {
  valid: [
    { name: 'no suppressions' },
    { name: 'a suppression with a reason that suppresses something', files: withAppTail('# stagepack-ignore workdir-absolute: relative on purpose', 'WORKDIR app', ...APP_TAIL) },
  ],
  invalid: [
    { name: 'a suppression without a reason', files: withAppTail('# stagepack-ignore workdir-absolute', 'WORKDIR app', ...APP_TAIL), errors: [{ messageId: 'missingReason', file: 'Dockerfile', line: 11, column: 1 }] },
    { name: 'an unknown rule id', files: withAppTail('# stagepack-ignore no-such-rule: because', 'WORKDIR /x', ...APP_TAIL), errors: [{ messageId: 'unknownRule', line: 11, includes: '"no-such-rule"' }] },
  ],
});

describe('suppressions and severities, through the whole runner', () => {
  let root: string;
  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'stagepack-policy-'));
    fs.cpSync(path.join(PACKAGE_ROOT, 'test', 'fixtures', 'lint', 'template'), path.join(root, 'templates', 'template'), { recursive: true });
  });
  afterEach(() => fs.rmSync(root, { recursive: true, force: true }));
  const write = (file: string, text: string) => fs.writeFileSync(path.join(root, file), text);
  const lint = () => lintTargets([{ kind: 'template', folderName: 'template', displayDir: 'template', absDir: path.join(root, 'templates', 'template') }], rules);
  /** The shared Dockerfile parts name no option, so template-option-used always speaks; it is not under test here. */
  const lintWithout = (ruleId: string) => lint().filter((d) => d.ruleId !== ruleId);

  it('suppresses exactly the instruction below the comment, across continuation lines', () => {
    const text = dockerfile(BASE, BUILDER, DEVELOPMENT, APP_HEAD, [
      '# stagepack-ignore apt-get-hygiene: lists are needed at run time by the plugin loader',
      'RUN apt-get update \\',
      '    && apt-get install -y --no-install-recommends libpq5',
      'RUN apt-get update && apt-get install -y --no-install-recommends tini',
      ...APP_TAIL,
    ]).Dockerfile;
    write('templates/template/Dockerfile', text);
    const hygiene = lint().filter((d) => d.ruleId === 'apt-get-hygiene');
    assert.deepEqual(hygiene.map((d) => d.line), [14], 'only the unsuppressed RUN on line 14 is reported');
  });

  it('suppresses in JSONC with a // comment on the line before', () => {
    const config = '{\n  "build": { "dockerfile": "../Dockerfile", "context": "..", "target": "development" },\n  // stagepack-ignore workspace-folder-mount: the image bakes the code into /app on purpose\n  "workspaceFolder": "/app"\n}\n';
    write('templates/template/.devcontainer/devcontainer.json', config);
    assert.deepEqual(lint().filter((d) => d.ruleId === 'workspace-folder-mount' || d.ruleId === 'suppression-comments'), []);
    write('templates/template/.devcontainer/devcontainer.json', config.replace(/ {2}\/\/ stagepack-ignore.*\n/, ''));
    assert.deepEqual(lint().filter((d) => d.ruleId === 'workspace-folder-mount').map((d) => d.line), [3], 'without the comment the rule speaks');
  });

  it('reports a suppression that suppresses nothing', () => {
    write('templates/template/Dockerfile', withAppTail('# stagepack-ignore prefer-copy: legacy', 'COPY a b', ...APP_TAIL).Dockerfile);
    assert.deepEqual(lintWithout('template-option-used').map((d) => [d.ruleId, d.messageId, d.line]), [['suppression-comments', 'unused', 11]]);
  });

  it('takes severities from the nearest stagepack.json, and "off" turns a rule off', () => {
    write('templates/template/Dockerfile', withAppTail('WORKDIR app', 'ADD x ./', ...APP_TAIL).Dockerfile);
    write('stagepack.json', '{ "lint": { "rules": { "workdir-absolute": "error", "prefer-copy": "off" } } }');
    assert.deepEqual(lintWithout('template-option-used').map((d) => [d.ruleId, d.severity]), [['workdir-absolute', 'error']]);
  });

  it('refuses a config naming an unknown rule, with file, line and column', () => {
    write('stagepack.json', '{\n  "lint": { "rules": { "no-such-rule": "off" } }\n}\n');
    assert.throws(() => lint(), (error: unknown) => error instanceof ConfigError && /stagepack\.json:2:24: no rule is named "no-such-rule"/.test(error.message));
  });

  it('refuses a config with an unknown severity', () => {
    write('stagepack.json', '{ "lint": { "rules": { "pip-cache": "fatal" } } }');
    assert.throws(() => lint(), /"pip-cache" must be one of error, warning, info, off, not "fatal"/);
  });
});

describe('test bounds in stagepack.json', () => {
  let root: string;
  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'stagepack-bounds-'));
  });
  afterEach(() => fs.rmSync(root, { recursive: true, force: true }));
  const read = (text: string) => {
    fs.writeFileSync(path.join(root, 'stagepack.json'), text);
    return readConfig(path.join(root, 'stagepack.json'), new Set(rules.map((r) => r.id)));
  };

  it('reads per-template bounds', () => {
    assert.deepEqual(read('{ "test": { "templates": { "streamlit-pipenv": { "healthTimeoutSeconds": 90, "stopBoundSeconds": 5 } } } }').testBounds, { 'streamlit-pipenv': { healthTimeoutSeconds: 90, stopBoundSeconds: 5 } });
  });

  it('reads the paths of the HTTP checks, per template and for everything below', () => {
    const config = read('{ "test": { "checkPaths": ["/", "/api/items?limit=1"], "templates": { "django": { "checkPaths": ["/polls/"] } } } }');
    assert.deepEqual(config.checkPaths, ['/', '/api/items?limit=1']);
    assert.deepEqual(config.testBounds?.django.checkPaths, ['/polls/']);
    assert.throws(() => read('{\n  "test": { "checkPaths": ["api"] }\n}\n'), /stagepack\.json:2:28: "test\.checkPaths"\[0\]: "api" does not start with \/; a check path is absolute/);
    assert.throws(() => read('{ "test": { "checkPaths": [] } }'), /"test\.checkPaths" must be a non-empty list of paths/);
    assert.throws(() => read('{ "test": { "templates": { "x": { "checkPaths": ["//evil.example/"] } } } }'), /starts with \/\/, which names another host/);
  });

  it('refuses anything that would turn a check off, naming the place', () => {
    assert.throws(() => read('{\n  "test": { "templates": { "x": { "skipLoad": true } } }\n}\n'), /stagepack\.json:2:35: "skipLoad" is not a test setting \(healthTimeoutSeconds, stopBoundSeconds, checkPaths\); checks can be tuned, not turned off/);
    assert.throws(() => read('{ "test": { "templates": { "x": { "stopBoundSeconds": 0 } } } }'), /"stopBoundSeconds" must be a number of seconds between 0 and 600/);
  });
});
