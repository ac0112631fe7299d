import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { BUNDLE, CODE_CACHE, loadBundle, loadMain } from '../../src/bundle';
import { main } from '../../src/cli';
import { bufferIo } from '../../src/io';
import { PACKAGE_ROOT } from '../../src/version';

/**
 * The bundle and code cache bin/stagepack.js starts from (src/bundle.ts, written by src/build-bundle.ts):
 * the same CLI as dist/src/, a cache used only for the bundle it was made from.
 */
describe('the CLI bundle and its code cache', () => {
  let scratch: string;
  before(() => {
    assert.ok(fs.existsSync(BUNDLE), `${BUNDLE} is missing: the build writes it (npm run build)`);
    scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'stagepack-bundle-'));
  });
  after(() => fs.rmSync(scratch, { recursive: true, force: true }));

  it('loads with the code cache the build made from it', () => {
    const bundle = loadBundle();
    assert.ok(bundle);
    assert.equal(bundle.cacheUsed, true);
    assert.equal(typeof bundle.exports.main, 'function');
  });

  it('never uses a code cache made from another bundle, even of the same length (V8 checks only the length)', () => {
    const source = fs.readFileSync(BUNDLE, 'utf8');
    assert.ok(source.startsWith('"use strict";'));
    // The same length, one character changed: V8 alone would take the cache.
    const other = path.join(scratch, 'stagepack.bundle.js');
    fs.writeFileSync(other, `'use strict';${source.slice('"use strict";'.length)}`);
    fs.copyFileSync(CODE_CACHE, `${other}.cache`);
    const loaded = loadBundle(other, `${other}.cache`);
    assert.ok(loaded);
    assert.equal(loaded.cacheUsed, false);
    // Without a cache file at all, the same.
    fs.rmSync(`${other}.cache`);
    assert.equal(loadBundle(other, `${other}.cache`)?.cacheUsed, false);
    assert.equal(loadBundle(path.join(scratch, 'none.js')), undefined);
  });

  it('lints as the modules of dist/src/ do: the same output and exit code, with diagnostics found', async function () {
    this.timeout(60_000);
    const bundle = loadBundle();
    assert.ok(bundle);
    // Our pack (clean) and one template with an error and a warning under one of its options' values.
    const template = path.join(scratch, 'templates', 'flask-gunicorn');
    fs.cpSync(path.join(PACKAGE_ROOT, 'templates', 'flask-gunicorn'), template, { recursive: true });
    const dockerfile = path.join(template, 'Dockerfile');
    fs.writeFileSync(dockerfile, fs.readFileSync(dockerfile, 'utf8').replace(/^CMD \[.*\]$/m, 'CMD gunicorn app:app').replace(/^USER .*$/m, 'USER root'));
    for (const args of [['lint', PACKAGE_ROOT], ['lint', scratch, '--format', 'json'], ['lint', scratch, '--format', 'sarif'], ['lint', '--list-rules']]) {
      const viaBundle = bufferIo(scratch);
      const viaModules = bufferIo(scratch);
      const codes: number[] = [await bundle.exports.main(['node', 'stagepack', ...args], viaBundle), await main(['node', 'stagepack', ...args], viaModules)];
      assert.equal(codes[0], codes[1], args.join(' '));
      assert.equal(viaBundle.out(), viaModules.out(), args.join(' '));
      assert.equal(viaBundle.err(), viaModules.err(), args.join(' '));
      if (args[1] === scratch) assert.equal(codes[0], 1, 'the faulty template has errors');
    }
  });

  it('is left aside with STAGEPACK_DEBUG, so that a stack trace names our own files', () => {
    assert.equal(loadMain({ STAGEPACK_DEBUG: '1' }), main);
    assert.notEqual(loadMain({}), main);
  });

  it('is left aside, in one line with the fix, when it does not load (a build cut short)', () => {
    const cut = path.join(scratch, 'cut.bundle.js');
    fs.writeFileSync(cut, fs.readFileSync(BUNDLE, 'utf8').slice(0, 5000));
    let warned = '';
    assert.equal(loadMain({}, (text) => { warned += text; }, cut), main);
    assert.match(warned, /^stagepack: .*cut\.bundle\.js does not load \(.+\); running from dist\/src\/ instead\nfix: npm run build\n$/);
  });
});
