import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { mirrorHas, normalizeName } from '../../src/engine/package-index';
import { indexNeedsProblems, planFeatureTests } from '../../src/testing/feature-test';

describe('which feature tests can run with the package index at hand', () => {
  const offline = (names: string[]) => ({ pypi: false, has: (name: string) => names.includes(name) });
  const pypi = { pypi: true, has: () => true };

  it('skips a scenario whose distributions the local mirror lacks, naming them, and runs the rest', () => {
    const plan = planFeatureTests({ 'from-index': ['pipenv'], other: ['six'] }, ['debian', 'from-index', 'other'], '', offline(['six']));
    assert.equal(plan.skipDefaults, undefined);
    assert.deepEqual([...plan.skipScenarios], [['from-index', 'scenario from-index needs pipenv from the package index, and the local mirror (PyPI is out of reach) does not have it']]);
  });

  it('skips "pypi" tests only where PyPI is out of reach', () => {
    assert.match(planFeatureTests({ default: 'pypi' }, [], '', offline([])).skipDefaults ?? '', /installs from PyPI, which this machine cannot reach/);
    assert.deepEqual(planFeatureTests({ default: 'pypi', s: ['x'] }, ['s'], '', pypi), { skipScenarios: new Map() });
  });

  it('without index-needs.json, keeps the old rule: scenarios naming the index mean the defaults need PyPI', () => {
    const text = '{"s": {"features": {"f": {"indexUrl": "${localEnv:PIP_INDEX_URL}"}}}}';
    assert.match(planFeatureTests(undefined, ['s'], text, offline([])).skipDefaults ?? '', /default options/);
    assert.equal(planFeatureTests(undefined, ['s'], text, pypi).skipDefaults, undefined);
    assert.equal(planFeatureTests(undefined, ['s'], '{}', offline([])).skipDefaults, undefined);
  });

  it('names what is wrong in index-needs.json', () => {
    assert.deepEqual(indexNeedsProblems({ default: 'pypi', s: ['a'] }, ['s']), []);
    assert.deepEqual(indexNeedsProblems({ typo: ['a'] }, ['s']), ['"typo" is neither "default" nor a scenario of scenarios.json (s)']);
    assert.deepEqual(indexNeedsProblems({ s: 'a' }, ['s']), ['"s" must be "pypi" or a list of distribution names, not "a"']);
    assert.equal(indexNeedsProblems([], []).length, 1);
  });

  it('finds a distribution by its PEP 503 name in an index root or a find-links folder', () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'stagepack-mirror-'));
    try {
      fs.mkdirSync(path.join(root, 'index', 'simple', 'zope-interface'), { recursive: true });
      fs.mkdirSync(path.join(root, 'links'));
      fs.writeFileSync(path.join(root, 'links', 'uwsgi-2.0.21.tar.gz'), '');
      fs.writeFileSync(path.join(root, 'links', 'typing_extensions-4.0.0-py3-none-any.whl'), '');
      const has = (name: string) => mirrorHas([path.join(root, 'index')], [path.join(root, 'links')], name);
      assert.equal(normalizeName('Zope.Interface'), 'zope-interface');
      assert.equal(has('Zope.Interface'), true);
      assert.equal(has('uWSGI'), true);
      assert.equal(has('typing-extensions'), true);
      assert.equal(has('pipenv'), false);
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });
});
