import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadBundle } from '../../src/bundle';
import { lintTargets, lintTargetsParallel } from '../../src/lint/lint';
import { discoverTargets } from '../../src/pack';
import { PACKAGE_ROOT } from '../../src/version';

/**
 * lintTargetsParallel on worker threads. These 2-core machines lint on one thread (see lintThreads), so the
 * worker path is asked for here explicitly: it must find exactly what one thread finds.
 */
describe('lint on worker threads', () => {
  let root: string;
  before(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'stagepack-lint-threads-'));
    // 60 copies of a template, every third with a shell-form CMD (an app-exec-form error in its own file).
    for (let i = 0; i < 60; i++) {
      const dir = path.join(root, 'templates', `t${i}`);
      fs.cpSync(path.join(PACKAGE_ROOT, 'templates', 'flask-gunicorn'), dir, { recursive: true });
      const metadata = path.join(dir, 'devcontainer-template.json');
      fs.writeFileSync(metadata, fs.readFileSync(metadata, 'utf8').replace('"id": "flask-gunicorn"', `"id": "t${i}"`));
      if (i % 3 === 0) {
        const dockerfile = path.join(dir, 'Dockerfile');
        fs.writeFileSync(dockerfile, fs.readFileSync(dockerfile, 'utf8').replace(/^CMD \[.*\]$/m, 'CMD gunicorn app:app'));
      }
    }
  });
  after(() => fs.rmSync(root, { recursive: true, force: true }));

  it('hands every target to exactly one thread: the same diagnostics as one thread', async function () {
    this.timeout(60_000);
    const found = discoverTargets([root], root);
    assert.ok(found.ok);
    const alone = lintTargets(found.targets);
    assert.equal(alone.filter((d) => d.ruleId === 'app-exec-form').length, 20);
    assert.deepEqual(await lintTargetsParallel(found.targets, 3), alone);
  });

  it('does the same from the bundle, whose workers start from the bundle file (src/bundle-entry.ts)', async function () {
    this.timeout(60_000);
    const bundle = loadBundle();
    assert.ok(bundle, 'dist/stagepack.bundle.js is missing: the build writes it (npm run build)');
    const found = discoverTargets([root], root);
    assert.ok(found.ok);
    const alone = lintTargets(found.targets);
    assert.deepEqual(await bundle.exports.lintModule().lintTargetsParallel(found.targets, 3), alone);
  });
});
