import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { lintLoaded } from '../../../src/lint/lint';
import type { Rule } from '../../../src/lint/rule';
import { loadTarget, type TargetKind } from '../../../src/pack';
import { PACKAGE_ROOT } from '../../../src/version';

/**
 * Table-driven rule tests in the manner of typescript-eslint's RuleTester. Each case starts from the minimal
 * valid fixture of its kind (test/fixtures/lint), replaces or deletes the files it names, and lints the copy
 * with the one rule under test. Valid cases must produce nothing; invalid cases exactly the listed
 * diagnostics, each with its messageId and, where given, file, line and column. Unknown messageIds and
 * duplicate case names are rejected, so a table cannot silently test nothing.
 */

export interface ExpectedDiagnostic {
  messageId: string;
  /** Path inside the template or feature; defaults to any. */
  file?: string;
  line?: number;
  column?: number;
  /** A fragment the formatted message must contain (a bad value, the suggested fix). */
  includes?: string;
}

export interface RuleCase {
  name: string;
  kind?: TargetKind;
  /** Folder name of the copy (defaults to the fixture's: "template" or "feature"). */
  folderName?: string;
  /** Files to write (path inside the folder -> content), or null to delete one. */
  files?: Record<string, string | Buffer | null>;
  /** Symbolic links to create (path -> link target). */
  symlinks?: Record<string, string>;
  /** A named pipe to create (a file that is neither regular nor a link). */
  special?: string;
  /** Files whose executable bits to clear. */
  notExecutable?: string[];
}

export interface InvalidCase extends RuleCase {
  errors: ExpectedDiagnostic[];
}

const FIXTURES = path.join(PACKAGE_ROOT, 'test', 'fixtures', 'lint');

export function ruleTester(rule: Rule, cases: { valid: RuleCase[]; invalid: InvalidCase[] }): void {
  const names = [...cases.valid, ...cases.invalid].map((c) => c.name);
  const duplicate = names.find((n, i) => names.indexOf(n) !== i);
  if (duplicate) throw new Error(`duplicate case name in ${rule.id} tests: ${duplicate}`);

  describe(rule.id, () => {
    for (const testCase of cases.valid) {
      it(`valid: ${testCase.name}`, () => {
        const diagnostics = lintCase(rule, testCase);
        assert.deepEqual(diagnostics.map((d) => `${d.file}:${d.line}:${d.column} ${d.messageId}: ${d.message}`), []);
      });
    }
    for (const testCase of cases.invalid) {
      it(`invalid: ${testCase.name}`, () => {
        for (const expected of testCase.errors) {
          assert.ok(expected.messageId in rule.meta.messages, `unknown messageId "${expected.messageId}" for ${rule.id}`);
        }
        const diagnostics = lintCase(rule, testCase);
        assert.equal(diagnostics.length, testCase.errors.length, `expected ${testCase.errors.length} diagnostic(s), got:\n${diagnostics.map((d) => `  ${d.file}:${d.line}:${d.column} ${d.messageId}: ${d.message}`).join('\n')}`);
        testCase.errors.forEach((expected, i) => {
          const actual = diagnostics[i];
          assert.equal(actual.ruleId, rule.id);
          assert.equal(actual.severity, rule.meta.severity);
          assert.equal(actual.messageId, expected.messageId, `diagnostic ${i}: ${actual.message}`);
          if (expected.file !== undefined) assert.equal(actual.file, expected.file, `diagnostic ${i} file`);
          if (expected.line !== undefined) assert.equal(actual.line, expected.line, `diagnostic ${i} line: ${actual.message}`);
          if (expected.column !== undefined) assert.equal(actual.column, expected.column, `diagnostic ${i} column: ${actual.message}`);
          if (expected.includes !== undefined) assert.ok(actual.message.includes(expected.includes), `diagnostic ${i} message "${actual.message}" lacks "${expected.includes}"`);
          assert.doesNotMatch(actual.message, /\{\{\w+\}\}/, 'message has an unfilled placeholder');
        });
      });
    }
  });
}

/** Lints a case; diagnostics' files are relative to the case folder. */
function lintCase(rule: Rule, testCase: RuleCase) {
  const kind = testCase.kind ?? 'template';
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'stagepack-rule-'));
  try {
    const folderName = testCase.folderName ?? kind;
    const dir = path.join(root, folderName);
    fs.cpSync(path.join(FIXTURES, kind), dir, { recursive: true });
    for (const [file, content] of Object.entries(testCase.files ?? {})) {
      const target = path.join(dir, file);
      if (content === null) fs.rmSync(target, { force: true, recursive: true });
      else {
        fs.mkdirSync(path.dirname(target), { recursive: true });
        fs.writeFileSync(target, content);
      }
    }
    for (const [file, linkTarget] of Object.entries(testCase.symlinks ?? {})) fs.symlinkSync(linkTarget, path.join(dir, file));
    if (testCase.special) execFileSync('mkfifo', [path.join(dir, testCase.special)]);
    for (const file of testCase.notExecutable ?? []) fs.chmodSync(path.join(dir, file), 0o644);
    const target = loadTarget({ kind, folderName, displayDir: folderName, absDir: dir });
    return lintLoaded(target, [rule]).map((d) => ({ ...d, file: d.file === folderName ? '.' : path.relative(folderName, d.file) }));
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
}
