import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { rules } from '../../src/lint/rules';
import { rulesMarkdown } from '../../src/lint/rules-doc';
import { PACKAGE_ROOT } from '../../src/version';

const RULES_DIR = path.join(PACKAGE_ROOT, 'src', 'lint', 'rules');
const DOC = path.join(PACKAGE_ROOT, 'docs', 'rules.md');

describe('the rule registry', () => {
  const files = fs.readdirSync(RULES_DIR).filter((f) => f.endsWith('.ts') && f !== 'index.ts').map((f) => f.replace(/\.ts$/, ''));

  it('registers every rule file exactly once', () => {
    assert.deepEqual([...rules.map((r) => r.id)].sort(), [...files].sort());
    assert.equal(new Set(rules.map((r) => r.id)).size, rules.length);
  });

  it('names each rule after its file, in kebab-case', () => {
    for (const file of files) {
      const rule = rules.find((r) => r.id === file);
      assert.ok(rule, `${file}.ts is not registered in src/lint/rules/index.ts`);
      assert.match(rule.id, /^[a-z]+(-[a-z]+)*$/);
    }
  });

  it('gives each rule a one-line imperative description, a rationale and camelCase message ids', () => {
    for (const rule of rules) {
      assert.match(rule.meta.description, /^[A-Z][^\n]*\.$/, `${rule.id} description`);
      assert.ok(rule.meta.rationale.length > 40, `${rule.id} rationale`);
      for (const id of Object.keys(rule.meta.messages)) assert.match(id, /^[a-z][a-zA-Z]*$/, `${rule.id} message id ${id}`);
    }
  });

  it('has a test table for every rule', () => {
    for (const rule of rules) assert.ok(fs.existsSync(path.join(PACKAGE_ROOT, 'test', 'unit', 'rules', `${rule.id}.test.ts`)), `no test/unit/rules/${rule.id}.test.ts`);
  });

  it('keeps docs/rules.md in sync with the rules (UPDATE_SNAPSHOTS=1 rewrites it)', () => {
    const expected = rulesMarkdown(rules);
    if (process.env.UPDATE_SNAPSHOTS === '1') {
      fs.mkdirSync(path.dirname(DOC), { recursive: true });
      fs.writeFileSync(DOC, expected);
    }
    assert.equal(fs.existsSync(DOC) ? fs.readFileSync(DOC, 'utf8') : '', expected, 'docs/rules.md is out of date: run UPDATE_SNAPSHOTS=1 npm test');
  });
});
