import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { main } from '../../src/cli';
import { bufferIo } from '../../src/io';
import { PACKAGE_ROOT } from '../../src/version';

/**
 * CLI behaviour as a user sees it: each case runs `stagepack ARGS` in-process from the repository root and
 * compares stdout, stderr and the exit code with a snapshot in test/snapshots/cli/ (UPDATE_SNAPSHOTS=1
 * rewrites them). None of these needs Docker.
 */
const SNAPSHOTS = path.join(PACKAGE_ROOT, 'test', 'snapshots', 'cli');

async function stagepack(args: string[], cwd = PACKAGE_ROOT) {
  const io = bufferIo(cwd);
  const code = await main(['node', 'stagepack', ...args], io);
  return { code, stdout: io.out(), stderr: io.err() };
}

const cases: [name: string, args: string[]][] = [
  ['lint-template-json', ['lint', 'templates/flask-gunicorn', '--format', 'json']],
  ['lint-pack-text', ['lint']],
  ['lint-list-rules', ['lint', '--list-rules']],
  ['lint-list-rules-json', ['lint', '--list-rules', '--format', 'json']],
  ['lint-missing-path', ['lint', 'no/such/folder']],
  ['lint-not-a-pack', ['lint', 'src']],
  ['lint-unknown-format', ['lint', '--format', 'xml']],
  ['lint-feature-json', ['lint', 'test/fixtures/lint/feature', '--format', 'json']],
  ['test-unknown-template', ['test', 'no-such-template']],
  ['test-list-shard', ['test', '--list', '--shard', '2/7']],
  ['test-list-json-template', ['test', 'flask-uwsgi', '--list', '--format', 'json', '--defaults-only']],
  ['test-only-unknown', ['test', '--only', 'flask-gunicorn[port=1]']],
  ['test-shard-out-of-range', ['test', '--shard', '3/2']],
  ['test-jobs-zero', ['test', '--jobs', '0']],
  ['test-list-fixed-option', ['test', 'flask-gunicorn', '--list', '--option', 'pythonVersion=3.12', '--check-path', '/api/items', '--env', 'SECRET_KEY=not-printed']],
  ['test-option-unknown', ['test', 'flask-gunicorn', '--option', 'djangoProject=blog']],
  ['test-option-malformed', ['test', '--option', 'pythonVersion']],
  ['test-check-path-relative', ['test', '--check-path', 'api/items']],
  ['test-env-file-missing', ['test', 'flask-gunicorn', '--env-file', 'no/such.env']],
  ['test-env-unset', ['test', 'flask-gunicorn', '--env', 'STAGEPACK_SURELY_UNSET_VARIABLE']],
  ['unknown-command', ['deploy']],
];

describe('stagepack CLI (snapshots)', () => {
  for (const [name, args] of cases) {
    it(`stagepack ${args.join(' ')}`, async () => {
      const { code, stdout, stderr } = await stagepack(args);
      const actual = `$ stagepack ${args.join(' ')}\n--- stdout\n${stdout}--- stderr\n${stderr}--- Exit code: ${code}\n`;
      const file = path.join(SNAPSHOTS, `${name}.txt`);
      if (process.env.UPDATE_SNAPSHOTS === '1') {
        fs.mkdirSync(SNAPSHOTS, { recursive: true });
        fs.writeFileSync(file, actual);
      }
      assert.equal(actual, fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '(no snapshot)', `snapshot ${name} differs; UPDATE_SNAPSHOTS=1 npm test rewrites it`);
    });
  }
});

describe('stagepack lint on a broken copy of the flask-gunicorn template', () => {
  let root: string;
  let copy: string;
  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'stagepack-cli-'));
    copy = path.join(root, 'flask-gunicorn');
    fs.cpSync(path.join(PACKAGE_ROOT, 'templates', 'flask-gunicorn'), copy, { recursive: true });
  });
  afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

  /** Replaces the first occurrence of `from` in a file of the copy and returns that 1-based line number. */
  function breakFile(file: string, from: string, to: string): number {
    const target = path.join(copy, file);
    const text = fs.readFileSync(target, 'utf8');
    const at = text.indexOf(from);
    assert.ok(at >= 0, `${from} not found in ${file}`);
    fs.writeFileSync(target, text.slice(0, at) + to + text.slice(at + from.length));
    return text.slice(0, at).split('\n').length;
  }

  async function lintJson() {
    const { code, stdout } = await stagepack(['lint', 'flask-gunicorn', '--format', 'json'], root);
    return { code, diagnostics: JSON.parse(stdout) as { ruleId: string; severity: string; file: string; line: number; column: number; message: string }[] };
  }

  it('is clean as shipped (exit 0, no errors)', async () => {
    const { code, diagnostics } = await lintJson();
    assert.equal(code, 0);
    assert.deepEqual(diagnostics.filter((d) => d.severity === 'error'), []);
  });

  it('reports a broken devcontainer.json on its file and line (exit 1)', async () => {
    const line = breakFile('.devcontainer/devcontainer.json', '"target": "development",', '"target": "development"');
    const { code, diagnostics } = await lintJson();
    assert.equal(code, 1);
    const error = diagnostics.find((d) => d.ruleId === 'jsonc-syntax');
    assert.ok(error, JSON.stringify(diagnostics));
    assert.equal(error.file, path.join('flask-gunicorn', '.devcontainer', 'devcontainer.json'));
    assert.equal(error.line, line + 1, 'the parser stops at the next property, one line below the missing comma');
  });

  it('reports a development stage that does not come from base on its FROM line (exit 1)', async () => {
    const line = breakFile('Dockerfile', 'FROM base AS development', 'FROM python:${PYTHON_VERSION}-slim-bookworm AS development');
    const { code, diagnostics } = await lintJson();
    assert.equal(code, 1);
    assert.deepEqual(
      diagnostics.filter((d) => d.severity === 'error').map((d) => [d.ruleId, d.file, d.line, d.column]),
      [['stages-descend-from-base', path.join('flask-gunicorn', 'Dockerfile'), line, 1]],
    );
  });

  it('passes a warning, but fails with --max-warnings 0 (exit 1)', async () => {
    breakFile('Dockerfile', 'WORKDIR /app', 'WORKDIR app');
    assert.equal((await stagepack(['lint', 'flask-gunicorn'], root)).code, 0);
    const strict = await stagepack(['lint', 'flask-gunicorn', '--max-warnings', '0'], root);
    assert.equal(strict.code, 1);
    assert.match(strict.stdout, /Dockerfile:\d+:1 {2}warning {2}`WORKDIR app` is relative/);
    assert.match(strict.stderr, /1 warning\(s\), more than --max-warnings 0/);
  });

  it('reports an undeclared placeholder where it is written (exit 1)', async () => {
    const line = breakFile('Dockerfile', 'WEB_CONCURRENCY=${templateOption:workers}', 'WEB_CONCURRENCY=${templateOption:workerCount}');
    const { code, diagnostics } = await lintJson();
    assert.equal(code, 1);
    const errors = diagnostics.filter((d) => d.severity === 'error');
    assert.deepEqual(errors.map((d) => [d.ruleId, d.file, d.line, d.column]), [['template-option-declared', path.join('flask-gunicorn', 'Dockerfile'), line, 21]]);
    assert.match(errors[0].message, /workerCount/);
    // ...and the option it replaced is now unused: a warning, not an error.
    assert.ok(diagnostics.some((d) => d.ruleId === 'template-option-used' && d.severity === 'warning' && /"workers"/.test(d.message)));
  });
});
