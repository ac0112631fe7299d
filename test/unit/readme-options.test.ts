import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { main } from '../../src/cli';
import { bufferIo } from '../../src/io';
import { BEGIN_MARKER, END_MARKER, optionsBlock, withOptionsBlock } from '../../src/readme-options';
import { PACKAGE_ROOT } from '../../src/version';

describe('README options tables generated from metadata', () => {
  it('writes the generate-docs layout, with enum or proposals, "-" for an empty default, and cells that cannot break the table', () => {
    const block = optionsBlock({
      port: { type: 'string', description: 'Port the app listens on', default: '8000', proposals: ['8000', '8080'] },
      source: { type: 'string', description: 'Where from | which', default: 'debian', enum: ['debian', 'index'] },
      image: { type: 'string', description: 'python:<version>-slim\nsecond line', default: '' },
      flag: { type: 'boolean', default: true },
    });
    assert.equal(block, [
      BEGIN_MARKER,
      '## Options',
      '',
      '| Options Id | Description | Type | Default Value |',
      '|-----|-----|-----|-----|',
      '| port | Port the app listens on Proposals: `8000`, `8080`. | string | 8000 |',
      '| source | Where from \\| which One of: `debian`, `index`. | string | debian |',
      '| image | python:&lt;version&gt;-slim second line | string | - |',
      '| flag | - | boolean | true |',
      END_MARKER,
    ].join('\n'));
    assert.equal(optionsBlock(undefined), [BEGIN_MARKER, '## Options', '', 'This has no options.', END_MARKER].join('\n'));
  });

  const block = optionsBlock({ a: { type: 'string', default: 'x' } });

  it('replaces only the block between the markers, and is idempotent', () => {
    const readme = `# T\n\nIntro.\n\n${optionsBlock({ old: { type: 'string' } })}\n\n## Hand-written\n\nKept.\n`;
    const updated = withOptionsBlock(readme, block);
    assert.equal(updated, `# T\n\nIntro.\n\n${block}\n\n## Hand-written\n\nKept.\n`);
    assert.equal(withOptionsBlock(updated, block), updated);
  });

  it('on a first run, takes the place of a hand-written "## Options" section, or of a bare options table', () => {
    const section = '# T\n\nIntro.\n\n## Options\n\n| Option | Default |\n| --- | --- |\n| `a` | `x` |\n\n## Usage\n\nKept.\n';
    assert.equal(withOptionsBlock(section, block), `# T\n\nIntro.\n\n${block}\n\n## Usage\n\nKept.\n`);
    const bare = '# T\n\nIntro.\n\n| Option | Description | Default |\n| --- | --- | --- |\n| `a` | A | `x` |\n\n**Notes.** Kept.\n';
    assert.equal(withOptionsBlock(bare, block), `# T\n\nIntro.\n\n${block}\n\n**Notes.** Kept.\n`);
  });

  it('otherwise goes before the second heading, or at the end; CRLF files keep CRLF', () => {
    assert.equal(withOptionsBlock('# T\n\nIntro.\n\n## Usage\n', block), `# T\n\nIntro.\n\n${block}\n\n## Usage\n`);
    assert.equal(withOptionsBlock('# T\n\nIntro.\n', block), `# T\n\nIntro.\n\n${block}\n`);
    const crlf = withOptionsBlock('# T\r\n\r\nIntro.\r\n', block);
    assert.ok(crlf.includes('\r\n## Options\r\n') && !/[^\r]\n/.test(crlf));
  });

  it('meta-test: every README of this pack matches its metadata (fix: stagepack docs)', async () => {
    const io = bufferIo(PACKAGE_ROOT);
    const code = await main(['node', 'stagepack', 'docs', '--check'], io);
    assert.equal(code, 0, io.err());
  });

  describe('stagepack docs', () => {
    let dir: string;
    beforeEach(() => {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'stagepack-docs-'));
      fs.cpSync(path.join(PACKAGE_ROOT, 'features', 'pipenv'), path.join(dir, 'features', 'pipenv'), { recursive: true });
    });
    afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

    it('--check names an out-of-date README and writes nothing; without it, updates that README only', async () => {
      const metadataPath = path.join(dir, 'features', 'pipenv', 'devcontainer-feature.json');
      fs.writeFileSync(metadataPath, fs.readFileSync(metadataPath, 'utf8').replace('"default": "debian"', '"default": "index"'));
      const readme = path.join(dir, 'features', 'pipenv', 'README.md');
      const before = fs.readFileSync(readme, 'utf8');
      const check = bufferIo(dir);
      assert.equal(await main(['node', 'stagepack', 'docs', '--check'], check), 1);
      assert.match(check.err(), /1 README\(s\) do not match their metadata: features\/pipenv\/README\.md\nfix: run `stagepack docs`/);
      assert.equal(fs.readFileSync(readme, 'utf8'), before);
      const write = bufferIo(dir);
      assert.equal(await main(['node', 'stagepack', 'docs'], write), 0);
      assert.equal(write.out(), 'updated features/pipenv/README.md\n');
      assert.match(fs.readFileSync(readme, 'utf8'), /\| source \| .* \| string \| index \|/);
      // Everything outside the block is as it was.
      const outside = (text: string) => text.slice(0, text.indexOf(BEGIN_MARKER)) + text.slice(text.indexOf(END_MARKER));
      assert.equal(outside(fs.readFileSync(readme, 'utf8')), outside(before));
    });

    it('refuses to write through a README that is a symbolic link', async () => {
      const readme = path.join(dir, 'features', 'pipenv', 'README.md');
      const outside = path.join(dir, 'outside.md');
      fs.writeFileSync(outside, 'not ours\n');
      fs.rmSync(readme);
      fs.symlinkSync(outside, readme);
      const io = bufferIo(dir);
      assert.equal(await main(['node', 'stagepack', 'docs'], io), 2);
      assert.match(io.err(), /features\/pipenv\/README\.md is not a regular file\nfix: replace it with a regular file/);
      assert.equal(fs.readFileSync(outside, 'utf8'), 'not ours\n');
    });
  });
});
