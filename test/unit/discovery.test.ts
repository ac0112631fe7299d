import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { main } from '../../src/cli';
import { resolveTemplates } from '../../src/commands/test';
import { bufferIo } from '../../src/io';
import { discoverTargets, packLayout } from '../../src/pack';
import { PACKAGE_ROOT } from '../../src/version';

/** Finding templates and features in the two layouts, and saying clearly when there are none. */
describe('pack discovery', () => {
  let root: string;
  const write = (rel: string, text: string) => {
    const file = path.join(root, rel);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, text);
  };
  const template = (dir: string, id: string) => write(`${dir}/${id}/devcontainer-template.json`, JSON.stringify({ id, version: '1.0.0', name: id }));
  const feature = (dir: string, id: string) => write(`${dir}/${id}/devcontainer-feature.json`, JSON.stringify({ id, version: '1.0.0', name: id }));
  beforeEach(() => (root = fs.mkdtempSync(path.join(os.tmpdir(), 'stagepack-discovery-'))));
  afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

  it('reads the template-starter layout (src/<id>, test/<id>) from the root and from src/', () => {
    template('src', 'hello');
    template('src', 'color');
    write('test/hello/test.sh', '#!/bin/sh\n');
    const layout = packLayout(root);
    assert.equal(layout?.style, 'src');
    assert.equal(layout?.testsDir, path.join(root, 'test'));
    for (const input of ['.', 'src']) {
      const found = discoverTargets([input], root);
      assert.ok(found.ok, input);
      assert.deepEqual(found.targets.map((t) => `${t.kind}:${t.displayDir}`), ['template:src/color', 'template:src/hello'], input);
    }
    assert.equal(packLayout(path.join(root, 'src'))?.testsDir, path.join(root, 'test'));
  });

  it('tells templates from features in one src/ by their metadata, and keeps a folder without metadata that looks like one', () => {
    feature('src', 'tool');
    write('src/half-written/install.sh', '#!/bin/sh\n');
    fs.mkdirSync(path.join(root, 'src', 'notes'));
    feature('src', 'other');
    const found = discoverTargets([root], root);
    assert.ok(found.ok);
    assert.deepEqual(found.targets.map((t) => `${t.kind}:${t.folderName}`), ['feature:half-written', 'feature:other', 'feature:tool']);
    assert.deepEqual(found.ignored, ['src/notes']);
  });

  it('says which folders it did not read (a misnamed metadata file is not a silent pass)', async () => {
    template('templates', 'good');
    write('templates/typo/devcontainer-template.jsn', '{}');
    const io = bufferIo(root);
    await main(['node', 'stagepack', 'lint'], io);
    assert.match(io.err(), /^stagepack lint: not read, as neither a template nor a feature .*: templates\/typo\n/);
  });

  it('reads src/ beside a templates/ folder of generators (devcontainers-extra/features), and a feature kept in templates/ as a feature', () => {
    feature('src', 'act');
    feature('src', 'zig');
    write('templates/generator/src/devcontainer-feature.json', '{}');
    feature('templates', 'boilerplate');
    const found = discoverTargets([root], root);
    assert.ok(found.ok);
    assert.deepEqual(found.targets.map((t) => `${t.kind}:${path.relative(root, t.absDir)}`), ['feature:templates/boilerplate', 'feature:src/act', 'feature:src/zig']);
  });

  it('lints the same folder once when it is given twice or through the pack', () => {
    template('templates', 'one');
    const found = discoverTargets(['.', 'templates/one', path.join(root, 'templates', 'one')], root);
    assert.ok(found.ok);
    assert.equal(found.targets.length, 1);
  });

  it('refuses an empty templates/ with exit 2 and a fix, instead of "No problems found"', async () => {
    fs.mkdirSync(path.join(root, 'templates'));
    const io = bufferIo(root);
    assert.equal(await main(['node', 'stagepack', 'lint'], io), 2);
    assert.equal(io.out(), '');
    assert.match(io.err(), /^stagepack lint: templates\/ has no template or feature folder\nfix: add one/);
  });

  it('lets `stagepack test` find an id in a src/ pack and its feature tests in test/', () => {
    feature('src', 'tool');
    const resolved = resolveTemplates(['tool'], root);
    assert.ok(resolved.ok);
    assert.deepEqual(resolved.features.map((f) => f.absDir), [path.join(root, 'src', 'tool')]);
    assert.equal(resolved.testsDir, path.join(root, 'test'));
    const ours = resolveTemplates([], PACKAGE_ROOT);
    assert.ok(ours.ok);
    assert.equal(ours.testsDir, path.join(PACKAGE_ROOT, 'test'));
  });
});
