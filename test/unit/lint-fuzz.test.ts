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

/** mulberry32: a small seeded PRNG, enough for reproducible mutations. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

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
