import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { lintTargets } from '../../src/lint/lint';
import { rules } from '../../src/lint/rules';
import { discoverTargets } from '../../src/pack';
import { PACKAGE_ROOT } from '../../src/version';

/**
 * The corpus in test/fixtures/broken: one defect per rule, applied to a real template. Each case must be
 * caught by its rule on the right file and line, with nothing else reported; and the unbroken bases
 * themselves must lint without a single diagnostic.
 */
const CORPUS = path.join(PACKAGE_ROOT, 'test', 'fixtures', 'broken');

interface Edit {
  file: string;
  replace?: string;
  with?: string;
  all?: boolean;
  append?: string;
  content?: string;
  delete?: boolean;
}

interface Expectation {
  ruleId: string;
  file: string;
  /** Text on the expected line (its first occurrence in the broken file). */
  at?: string;
  line?: number;
  lineOffset?: number;
}

interface BrokenCase {
  description: string;
  base: string;
  edits?: Edit[];
  symlinks?: Record<string, string>;
  expect: Expectation[];
}

function applyEdit(dir: string, edit: Edit): void {
  const file = path.join(dir, edit.file);
  if (edit.delete) return fs.rmSync(file, { force: true });
  if (edit.content !== undefined) {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    return fs.writeFileSync(file, edit.content);
  }
  const text = fs.readFileSync(file, 'utf8');
  if (edit.append !== undefined) return fs.writeFileSync(file, text + edit.append);
  assert.ok(edit.replace !== undefined && text.includes(edit.replace), `${edit.file} does not contain ${JSON.stringify(edit.replace)}: the corpus case needs updating`);
  fs.writeFileSync(file, edit.all ? text.split(edit.replace).join(edit.with ?? '') : text.replace(edit.replace, edit.with ?? ''));
}

function expectedLine(dir: string, expectation: Expectation): number | undefined {
  if (expectation.line !== undefined) return expectation.line;
  if (expectation.at === undefined) return undefined;
  const text = fs.readFileSync(path.join(dir, expectation.file), 'utf8');
  const at = text.indexOf(expectation.at);
  assert.ok(at >= 0, `${expectation.file} does not contain ${JSON.stringify(expectation.at)}`);
  return text.slice(0, at).split('\n').length + (expectation.lineOffset ?? 0);
}

describe('the broken-template corpus', () => {
  const cases = fs.readdirSync(CORPUS).filter((f) => f.endsWith('.json')).sort();

  it('has a case for every rule', () => {
    assert.deepEqual(cases.map((f) => f.replace(/\.json$/, '')), rules.map((r) => r.id).sort());
  });

  for (const base of ['templates/flask-gunicorn', 'test/fixtures/lint/feature']) {
    it(`starts from a base that lints clean: ${base}`, () => {
      const discovery = discoverTargets([base], PACKAGE_ROOT);
      assert.ok(discovery.ok);
      assert.deepEqual(lintTargets(discovery.targets).map((d) => `${d.file}:${d.line} ${d.ruleId} ${d.message}`), []);
    });
  }

  for (const name of cases) {
    const brokenCase = JSON.parse(fs.readFileSync(path.join(CORPUS, name), 'utf8')) as BrokenCase;
    it(`${name.replace(/\.json$/, '')}: ${brokenCase.description}`, () => {
      const root = fs.mkdtempSync(path.join(os.tmpdir(), 'stagepack-broken-'));
      try {
        const dir = path.join(root, path.basename(brokenCase.base));
        fs.cpSync(path.join(PACKAGE_ROOT, brokenCase.base), dir, { recursive: true });
        for (const edit of brokenCase.edits ?? []) applyEdit(dir, edit);
        for (const [link, target] of Object.entries(brokenCase.symlinks ?? {})) fs.symlinkSync(target, path.join(dir, link));
        const discovery = discoverTargets([dir], root);
        assert.ok(discovery.ok);
        const found = lintTargets(discovery.targets).map((d) => ({ ruleId: d.ruleId, file: path.relative(path.basename(dir), d.file) || '.', line: d.line, message: d.message }));
        const expected = brokenCase.expect.map((e) => ({ ruleId: e.ruleId, file: e.file, line: expectedLine(dir, e) }));
        const key = (d: { ruleId: string; file: string; line?: number }) => `${d.ruleId} ${d.file}:${d.line ?? '-'}`;
        assert.deepEqual(found.map(key).sort(), expected.map(key).sort(), `found:\n${found.map((d) => `  ${key(d)} ${d.message}`).join('\n')}`);
      } finally {
        fs.rmSync(root, { recursive: true, force: true });
      }
    });
  }
});
