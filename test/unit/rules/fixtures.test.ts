import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { lintTargets } from '../../../src/lint/lint';
import { discoverTargets } from '../../../src/pack';
import { PACKAGE_ROOT } from '../../../src/version';

describe('the minimal lint fixtures every rule table starts from', () => {
  it('are clean against every rule, so a valid case proves something', () => {
    const discovery = discoverTargets(['test/fixtures/lint/template', 'test/fixtures/lint/feature'], PACKAGE_ROOT);
    assert.ok(discovery.ok);
    assert.deepEqual(lintTargets(discovery.targets).map((d) => `${path.basename(d.file)}:${d.line} ${d.ruleId}: ${d.message}`), []);
  });
});
