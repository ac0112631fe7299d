import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { SEVERITIES } from '../../src/diagnostics';
import { lintTargets } from '../../src/lint/lint';
import { rules } from '../../src/lint/rules';
import { discoverTargets } from '../../src/pack';
import { render } from '../../src/render';
import { PACKAGE_ROOT } from '../../src/version';
import { prng } from './prng';

/**
 * Mutation fuzzing of lint: valid templates and features, damaged in the ways files really get damaged
 * (cut short, corrupted bytes, lines swapped or doubled, files deleted), must never make lint throw, and
 * every diagnostic must stay well-formed. Bounded and seeded (STAGEPACK_FUZZ_SEED, STAGEPACK_FUZZ_CASES), so
 * a failure is reproducible from the seed printed with it.
 */
const SEED = Number(process.env.STAGEPACK_FUZZ_SEED ?? 20261123);
const CASES = Number(process.env.STAGEPACK_FUZZ_CASES ?? 250);
const CLI_SAMPLE = 8;
const BASES = ['templates/flask-gunicorn', 'test/fixtures/lint/template', 'test/fixtures/lint/feature'];
const NASTY = ['\u0000', '"', '\\', '{', '}', '[', ']', ',', ':', '\n', '\r\n', '${templateOption:', '${templateOption:x}', 'FROM ', ' AS base', '\\\n', '#', '\t', '\u00e9', '\ud83d\ude80', '--mount=', '--from='];

function filesOf(dir: string): string[] {
  return fs.readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => path.join(e.parentPath, e.name));
}

function mutate(dir: string, random: () => number): string {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)];
  const files = filesOf(dir);
  if (!files.length) return 'nothing left to mutate';
  const file = pick(files);
  const rel = path.relative(dir, file);
  const text = fs.readFileSync(file, 'utf8');
  const at = Math.floor(random() * (text.length + 1));
  const lines = text.split('\n');
  switch (Math.floor(random() * 6)) {
    case 0:
      fs.writeFileSync(file, text.slice(0, at));
      return `truncate ${rel} at ${at}`;
    case 1: {
      const insert = Array.from({ length: 1 + Math.floor(random() * 4) }, () => (random() < 0.5 ? pick(NASTY) : String.fromCharCode(Math.floor(random() * 0x250)))).join('');
      fs.writeFileSync(file, text.slice(0, at) + insert + text.slice(at));
      return `insert ${JSON.stringify(insert)} into ${rel} at ${at}`;
    }
    case 2: {
      const i = Math.floor(random() * lines.length);
      const j = Math.floor(random() * lines.length);
      [lines[i], lines[j]] = [lines[j], lines[i]];
      fs.writeFileSync(file, lines.join('\n'));
      return `swap lines ${i + 1} and ${j + 1} of ${rel}`;
    }
    case 3: {
      const i = Math.floor(random() * lines.length);
      lines.splice(i, 0, lines[i]);
      fs.writeFileSync(file, lines.join('\n'));
      return `double line ${i + 1} of ${rel}`;
    }
    case 4:
      fs.rmSync(file);
      return `delete ${rel}`;
    default: {
      const from = lines.map((l, i) => [l, i] as const).filter(([l]) => /^FROM /i.test(l));
      if (from.length < 2) {
        fs.writeFileSync(file, text.replace(/"/g, ''));
        return `strip quotes from ${rel}`;
      }
      const [a, b] = [pick(from), pick(from)];
      [lines[a[1]], lines[b[1]]] = [lines[b[1]], lines[a[1]]];
      fs.writeFileSync(file, lines.join('\n'));
      return `swap stages at lines ${a[1] + 1} and ${b[1] + 1} of ${rel}`;
    }
  }
}

describe(`lint under mutation (seed ${SEED}, ${CASES} cases)`, function () {
  this.timeout(120_000);
  const known = new Set(rules.map((r) => r.id));
  let root: string;
  before(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'stagepack-fuzz-'));
  });
  after(() => fs.rmSync(root, { recursive: true, force: true }));

  it('never throws, and every diagnostic is well-formed and renders', () => {
    const random = prng(SEED);
    for (let n = 0; n < CASES; n++) {
      const base = BASES[n % BASES.length];
      const dir = path.join(root, `case-${n}`, path.basename(base));
      fs.cpSync(path.join(PACKAGE_ROOT, base), dir, { recursive: true });
      const steps = Array.from({ length: 1 + Math.floor(random() * 3) }, () => mutate(dir, random));
      const context = `case ${n} (seed ${SEED}): ${steps.join('; ')}`;
      const discovery = discoverTargets([dir], root);
      if (!discovery.ok) continue; // the metadata was deleted: a usage error, tested elsewhere
      let diagnostics;
      try {
        diagnostics = lintTargets(discovery.targets);
      } catch (error) {
        assert.fail(`lint threw on ${context}: ${error instanceof Error ? error.stack : String(error)}`);
      }
      for (const d of diagnostics) {
        assert.ok(known.has(d.ruleId), `${context}: unknown rule ${d.ruleId}`);
        assert.ok(SEVERITIES.includes(d.severity), context);
        assert.ok(d.message && !/\{\{\w+\}\}/.test(d.message), `${context}: bad message ${d.message}`);
        if (d.line !== undefined) assert.ok(d.line >= 1 && (d.column ?? 1) >= 1, `${context}: bad position ${d.line}:${d.column}`);
      }
      for (const format of ['text', 'json', 'sarif'] as const) {
        render(format, diagnostics, { color: false, readSource: (f) => (fs.existsSync(path.resolve(root, f)) ? fs.readFileSync(path.resolve(root, f), 'utf8') : undefined), rules: [], toolVersion: 'fuzz' });
      }
    }
  });

  it('the CLI answers mutated templates with diagnostics and an exit code, never a stack trace', () => {
    const random = prng(SEED + 1);
    for (let n = 0; n < CLI_SAMPLE; n++) {
      const base = BASES[n % BASES.length];
      const dir = path.join(root, `cli-${n}`, path.basename(base));
      fs.cpSync(path.join(PACKAGE_ROOT, base), dir, { recursive: true });
      const steps = [mutate(dir, random), mutate(dir, random)];
      const result = spawnSync(process.execPath, [path.join(PACKAGE_ROOT, 'bin', 'stagepack.js'), 'lint', dir, '--format', 'json'], { encoding: 'utf8' });
      const context = `cli case ${n} (seed ${SEED + 1}): ${steps.join('; ')}\nstderr: ${result.stderr}`;
      assert.ok([0, 1, 2].includes(result.status ?? -1), context);
      assert.doesNotMatch(result.stderr, /\n\s+at .+:\d+:\d+\)?\n/, `stack trace: ${context}`);
      if (result.status !== 2) assert.ok(Array.isArray(JSON.parse(result.stdout)), context);
    }
  });
});

/**
 * Hostile inputs by class (the classes a careless or hostile user was found to hit): each must end in a
 * diagnostic that names the file, or in exit 2 with a fix line; never a throw, a hang or a lost key.
 */
describe('lint on hostile input, by class', function () {
  this.timeout(60_000);
  let root: string;
  let copy: string;
  const CLI = path.join(PACKAGE_ROOT, 'bin', 'stagepack.js');
  const write = (rel: string, text: string | Buffer) => fs.writeFileSync(path.join(copy, rel), text);
  const read = (rel: string) => fs.readFileSync(path.join(copy, rel), 'utf8');
  const lint = () => {
    const discovery = discoverTargets([copy], root);
    assert.ok(discovery.ok);
    return lintTargets(discovery.targets);
  };
  const cli = (...args: string[]) => spawnSync(process.execPath, [CLI, 'lint', ...args], { cwd: root, encoding: 'utf8', timeout: 20_000 });
  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'stagepack-hostile-'));
    copy = path.join(root, 'flask-gunicorn');
    fs.cpSync(path.join(PACKAGE_ROOT, 'templates', 'flask-gunicorn'), copy, { recursive: true });
  });
  afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

  describe('nesting depth', () => {
    for (const [name, file, text] of [
      ['arrays 50,000 deep in devcontainer.json', '.devcontainer/devcontainer.json', `{"x": ${'['.repeat(50_000)}${']'.repeat(50_000)}}`],
      ['objects 20,000 deep in the metadata', 'devcontainer-template.json', `{"id": "flask-gunicorn", "x": ${'{"a":'.repeat(20_000)}1${'}'.repeat(20_000)}}`],
    ] as const) {
      it(`${name}: one jsonc-syntax error at the bracket that goes too deep`, () => {
        write(file, text);
        const found = lint().filter((d) => d.ruleId === 'jsonc-syntax');
        assert.equal(found.length, 1, JSON.stringify(found));
        assert.equal(found[0].messageId, 'tooDeep');
        assert.ok(found[0].file.endsWith(file) && found[0].line === 1 && (found[0].column ?? 0) > 1);
      });
    }

    it('flow sequences 20,000 deep in a compose file: a YAML error, no crash', () => {
      write('compose.yaml', `services:\n  dev:\n    build: {context: ., target: development}\nx-deep: ${'['.repeat(20_000)}${']'.repeat(20_000)}\n`);
      write('.devcontainer/devcontainer.json', '{ "dockerComposeFile": "../compose.yaml", "service": "dev", "workspaceFolder": "/workspaces/app" }');
      const found = lint().filter((d) => d.ruleId === 'compose-target-exists' && d.messageId === 'syntax');
      assert.ok(found.length >= 1 && found.every((d) => d.file.endsWith('compose.yaml') && d.line !== undefined), JSON.stringify(found));
    });

    it('the whole CLI run survives a deep file on worker threads (a collection of 60 templates)', () => {
      for (let i = 0; i < 60; i++) fs.cpSync(copy, path.join(root, 'pack', 'templates', `t${i}`), { recursive: true });
      fs.writeFileSync(path.join(root, 'pack', 'templates', 't7', '.devcontainer', 'devcontainer.json'), `{"x": ${'['.repeat(50_000)}${']'.repeat(50_000)}}`);
      const result = cli(path.join(root, 'pack'), '--format', 'json');
      assert.equal(result.status, 1, result.stderr);
      const diagnostics = JSON.parse(result.stdout) as { ruleId: string; file: string; messageId: string }[];
      assert.ok(diagnostics.some((d) => d.messageId === 'tooDeep' && d.file.includes(`${path.sep}t7${path.sep}`)));
    });
  });

  describe('line endings', () => {
    it('CRLF files lint like LF files, suppressions included', () => {
      const lf = lint().map((d) => `${d.ruleId} ${d.file}:${d.line}`);
      write('Dockerfile', read('Dockerfile').replace('FROM base AS app\n', 'FROM base AS app\n# stagepack-ignore prefer-copy: a test of suppressions\nADD NOTES.md /tmp/\n'));
      for (const file of ['Dockerfile', '.devcontainer/devcontainer.json', 'devcontainer-template.json']) write(file, read(file).replace(/\n/g, '\r\n'));
      const crlf = lint();
      assert.deepEqual(crlf.filter((d) => d.ruleId !== 'prefer-copy' && d.ruleId !== 'suppression-comments').map((d) => `${d.ruleId} ${d.file}:${d.line}`), lf);
      assert.deepEqual(crlf.filter((d) => d.ruleId === 'prefer-copy' || d.ruleId === 'suppression-comments'), [], 'the suppression must work in a CRLF Dockerfile');
    });
  });

  describe('prototype keys', () => {
    it('options named __proto__, constructor and toString are declared, substituted and reported like any other', () => {
      const metadata = JSON.parse(read('devcontainer-template.json')) as { options: Record<string, unknown> };
      const options = Object.fromEntries(Object.entries(metadata.options));
      for (const name of ['constructor', 'toString']) options[name] = { type: 'string', default: 'x', description: name };
      const text = JSON.stringify({ ...metadata, options }, null, 2).replace('"options": {', '"options": {\n    "__proto__": { "type": "string", "default": "p", "description": "proto" },');
      write('devcontainer-template.json', text);
      write('NOTES.md', 'Uses ${templateOption:__proto__}, ${templateOption:constructor} and ${templateOption:toString}.\n');
      write('Dockerfile', read('Dockerfile').replace('FROM base AS app\n', 'FROM base AS app\nLABEL a="${templateOption:__proto__}" b="${templateOption:constructor}" c="${templateOption:toString}"\n'));
      const found = lint().filter((d) => d.ruleId === 'template-option-declared' || d.ruleId === 'template-option-used');
      assert.deepEqual(found, [], 'every option is declared and used');
    });

    it('an ARG named constructor does not read Object.prototype', () => {
      write('Dockerfile', read('Dockerfile').replace(/^ARG PYTHON_VERSION=.*$/m, 'ARG constructor\nARG PYTHON_VERSION=${templateOption:pythonVersion}'));
      write('Dockerfile', read('Dockerfile').replace(/^FROM python:\$\{PYTHON_VERSION\}-slim-bookworm AS base$/m, 'FROM python:${constructor}-slim-bookworm AS base'));
      const found = lint().filter((d) => d.ruleId === 'from-args-declared');
      assert.equal(found.length, 1);
      assert.equal(found[0].messageId, 'noDefault');
    });
  });

  describe('special and unreadable files', () => {
    it('a FIFO in a template is reported, never opened (no hang)', () => {
      spawnSync('mkfifo', [path.join(copy, 'pipe')]);
      const result = cli(copy, '--format', 'json');
      assert.equal(result.status, 1, result.stderr);
      assert.ok((JSON.parse(result.stdout) as { ruleId: string; file: string }[]).some((d) => d.ruleId === 'no-symlinks' && d.file.endsWith('pipe')));
    });

    for (const [name, make, problem] of [
      ['a folder', (file: string) => fs.mkdirSync(file), 'is a folder, not a file'],
      ['a FIFO', (file: string) => spawnSync('mkfifo', [file]), 'is not a regular file'],
      ['a dangling link', (file: string) => fs.symlinkSync('/nonexistent/stagepack.json', file), 'cannot be read'],
      ['NUL bytes', (file: string) => fs.writeFileSync(file, Buffer.from([0x7b, 0, 0x7d])), 'holds NUL bytes'],
    ] as const) {
      it(`stagepack.json that is ${name}: exit 2, the problem and a fix line`, () => {
        make(path.join(root, 'stagepack.json'));
        const result = cli(copy);
        assert.equal(result.status, 2, result.stderr);
        assert.match(result.stderr, new RegExp(`^stagepack lint: stagepack\\.json: ${problem}[^\\n]*\\nfix: `));
        assert.doesNotMatch(result.stderr, /\n\s+at /);
      });
    }

    it('a file over the size limit is measured, not read (a sparse 3 GB file)', () => {
      const big = path.join(copy, 'data.bin');
      fs.closeSync(fs.openSync(big, 'w'));
      fs.truncateSync(big, 3 * 1024 ** 3);
      const found = lint().filter((d) => d.ruleId === 'text-files-only');
      assert.equal(found.length, 1);
      assert.match(found[0].message, /3221225472 bytes/);
    });
  });

  describe('scale', () => {
    it('1,000 options with three proposals each: every one declared, used and checked once', () => {
      const metadata = JSON.parse(read('devcontainer-template.json')) as { options: Record<string, unknown> };
      const lines: string[] = [];
      for (let i = 0; i < 1000; i++) {
        metadata.options[`opt${i}`] = { type: 'string', default: `v${i}`, proposals: [`v${i}`, `w${i}`, `x${i}`], description: `option ${i}` };
        lines.push(`LABEL opt${i}="\${templateOption:opt${i}}"`);
      }
      write('devcontainer-template.json', JSON.stringify(metadata, null, 2));
      write('Dockerfile', read('Dockerfile').replace('FROM base AS app\n', `FROM base AS app\n${lines.join('\n')}\n`));
      assert.deepEqual(lint().filter((d) => d.severity === 'error'), []);
    });

    it('a 750 KB RUN line is read to its end (a pip install at the very end is seen)', () => {
      const words = Array.from({ length: 70_000 }, (_, i) => `w${i}`).join(' ');
      write('Dockerfile', read('Dockerfile').replace('FROM base AS app\n', `FROM base AS app\nRUN echo ${words} && pip install flask\n`));
      const found = lint().filter((d) => d.ruleId === 'pip-cache');
      assert.equal(found.length, 1, JSON.stringify(found.map((d) => d.message)));
    });
  });
});
