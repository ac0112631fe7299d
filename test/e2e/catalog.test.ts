import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { main } from '../../src/cli';
import { aptInstall } from '../../src/engine/docker';
import { engineLog } from '../../src/engine/log';
import { startEphemeralRegistry, type Registry } from '../../src/engine/registry';
import type { Collection } from '../../src/oci/catalog';
import { ok, run } from '../../src/proc';
import { PACKAGE_ROOT } from '../../src/version';
import { echoingIo, minutes } from './helpers';

/**
 * The catalogue of a registry holding the whole pack (two versions of one template, and one template whose
 * metadata tries to inject markup), read with `stagepack catalog` and its page rendered in headless Chromium,
 * Debian's package: the page shows every item, a search narrows it, and nothing from the registry becomes
 * markup. The screenshot is kept in .test-output/ (STAGEPACK_TEST_OUTPUT moves it).
 */
const CHROMIUM = '/usr/bin/chromium';
const OUTPUT = process.env.STAGEPACK_TEST_OUTPUT ?? path.join(PACKAGE_ROOT, '.test-output');
const HOSTILE = 'Hostile </script><img src=x id=injected onerror="document.title=\'pwned\'"> <b>bold</b> & done';

async function chromium(args: string[]): Promise<string> {
  // --no-sandbox: CI runs as root, where Chromium's sandbox refuses to start; the page is our own file.
  const result = await run(CHROMIUM, ['--headless', '--no-sandbox', '--disable-gpu', '--hide-scrollbars', '--no-first-run', ...args], { timeoutMs: 60_000 });
  assert.ok(ok(result), `chromium ${args.join(' ')}: ${result.stderr.slice(-2000)}`);
  return result.stdout;
}

/** The articles of the rendered page: each item's id and whether it is shown. */
function articles(dom: string): { id: string; hidden: boolean }[] {
  return [...dom.matchAll(/<article data-id="([^"]+)"([^>]*)>/g)].map((m) => ({ id: m[1], hidden: /\bhidden\b/.test(m[2]) }));
}

describe('stagepack catalog (end to end: real registry, headless Chromium)', function () {
  this.timeout(minutes(10));
  let work: string;
  let registry: Registry;
  let collections: Collection[];
  let page: string;

  before(async function () {
    if (!fs.existsSync(CHROMIUM)) {
      // The page test needs Debian's chromium; as root (CI, these machines) it is installed, else skipped.
      if (process.getuid?.() !== 0) {
        process.stderr.write('      skipped: Debian\'s chromium is not installed, and installing it needs root\n');
        this.skip();
      }
      await aptInstall(engineLog((text) => process.stderr.write(`      ${text}`)), ['chromium']);
    }
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'stagepack-catalog-e2e-'));
    registry = await startEphemeralRegistry(engineLog(() => undefined), path.join(work, 'registry'));
    // The whole pack, then flask-gunicorn again with a higher version, and a template with hostile metadata.
    const pack = path.join(work, 'pack');
    fs.cpSync(path.join(PACKAGE_ROOT, 'templates'), path.join(pack, 'templates'), { recursive: true });
    fs.cpSync(path.join(PACKAGE_ROOT, 'features'), path.join(pack, 'features'), { recursive: true });
    const publish = async () => {
      const io = echoingIo(work);
      assert.equal(await main(['node', 'stagepack', 'publish', '--registry', registry.host, '--namespace', 'acme/templates', 'pack'], io), 0, io.err());
    };
    await publish();
    const flask = path.join(pack, 'templates', 'flask-gunicorn', 'devcontainer-template.json');
    fs.writeFileSync(flask, fs.readFileSync(flask, 'utf8').replace(/"version": "(\d+)\.(\d+)\.(\d+)"/, (_m, a: string, b: string) => `"version": "${a}.${Number(b) + 1}.0"`));
    fs.appendFileSync(path.join(pack, 'templates', 'flask-gunicorn', 'NOTES.md'), '\nA minor release.\n');
    const hostile = path.join(pack, 'templates', 'hostile');
    fs.cpSync(path.join(PACKAGE_ROOT, 'templates', 'flask-gunicorn'), hostile, { recursive: true });
    const metadata = path.join(hostile, 'devcontainer-template.json');
    fs.writeFileSync(metadata, fs.readFileSync(metadata, 'utf8').replace('"id": "flask-gunicorn"', '"id": "hostile"').replace(/"description": "[^"]*"/, `"description": ${JSON.stringify(HOSTILE)}`));
    await publish();

    const io = echoingIo(work);
    assert.equal(await main(['node', 'stagepack', 'catalog', `${registry.host}/acme/templates`, '--format', 'json', '--html', 'site'], io), 0, io.err());
    collections = (JSON.parse(io.out()) as { collections: Collection[] }).collections;
    page = path.join(work, 'site', 'index.html');
  });

  after(async () => {
    await registry?.stop();
    if (work) fs.rmSync(work, { recursive: true, force: true });
  });

  it('--format json lists every template and feature with every published version, its tags, description and options', () => {
    assert.deepEqual(collections.map((c) => `${c.kind} ${c.namespace}`), ['template acme/templates', 'feature acme/features']);
    const templates = fs.readdirSync(path.join(PACKAGE_ROOT, 'templates')).concat('hostile').sort();
    const features = fs.readdirSync(path.join(PACKAGE_ROOT, 'features')).sort();
    assert.deepEqual(collections[0].items.map((i) => i.id), templates);
    assert.deepEqual(collections[1].items.map((i) => i.id), features);
    const flask = collections[0].items.find((i) => i.id === 'flask-gunicorn');
    assert.ok(flask);
    const own = (JSON.parse(fs.readFileSync(path.join(PACKAGE_ROOT, 'templates', 'flask-gunicorn', 'devcontainer-template.json'), 'utf8')) as { version: string; options: Record<string, unknown> });
    const [major, minor] = own.version.split('.').map(Number);
    const bumped = `${major}.${minor + 1}.0`;
    assert.deepEqual(flask.versions.map((v) => v.version), [bumped, own.version], 'newest first, both versions');
    assert.deepEqual(flask.versions[0].tags, [String(major), `${major}.${minor + 1}`, 'latest']);
    assert.deepEqual(flask.versions[1].tags, [`${major}.${minor}`]);
    assert.deepEqual(Object.keys(flask.versions[0].options), Object.keys(own.options));
    assert.equal(flask.versions[0].options.port?.default, '8000');
    assert.ok(flask.versions[0].options.port?.proposals?.includes('8080'));
    for (const item of [...collections[0].items, ...collections[1].items]) {
      assert.ok(item.versions.length >= 1 && item.versions[0].description, `${item.id} has a version with a description`);
    }
  });

  it('the page renders the whole pack in Chromium, and a screenshot is kept', async () => {
    const dom = await chromium(['--dump-dom', `file://${page}`]);
    const shown = articles(dom);
    const items = collections.reduce((n, c) => n + c.items.length, 0);
    assert.equal(shown.length, items);
    assert.ok(shown.every((a) => !a.hidden), 'nothing hidden without a search');
    assert.match(dom, new RegExp(`<span id="count" role="status">${items} of ${items} shown</span>`));
    // Each template's copy-ready apply command, each feature's reference.
    assert.match(dom, new RegExp(`devcontainer templates apply -t ${registry.host}/acme/templates/flask-gunicorn:\\d+ -w \\. -a '\\{"pythonVersion":"3\\.11",`));
    assert.match(dom, new RegExp(`"features": \\{\\n {2}"${registry.host}/acme/features/pipenv:\\d+": \\{\\}\\n\\}`));
    fs.mkdirSync(OUTPUT, { recursive: true });
    const screenshot = path.join(OUTPUT, 'catalog.png');
    fs.rmSync(screenshot, { force: true });
    await chromium(['--window-size=1280,2400', `--screenshot=${screenshot}`, `file://${page}`]);
    assert.ok(fs.statSync(screenshot).size > 10_000, 'the screenshot has content');
    process.stderr.write(`      screenshot: ${screenshot}\n`);
  });

  it('a search narrows the list (from #q= in the address, as typing sets it), and an unmatched one says so', async () => {
    const streamlit = articles(await chromium(['--dump-dom', `file://${page}#q=streamlit`]));
    assert.deepEqual(streamlit.filter((a) => !a.hidden).map((a) => a.id), ['streamlit-pipenv']);
    // Two words must both match: an option name (wsgiApp) and a word of the description.
    const both = articles(await chromium(['--dump-dom', `file://${page}#q=wsgiApp%20uWSGI`])).filter((a) => !a.hidden).map((a) => a.id);
    assert.deepEqual(both, ['flask-uwsgi', 'flask-uwsgi-postgres']);
    const none = await chromium(['--dump-dom', `file://${page}#q=no-such-thing-anywhere`]);
    assert.ok(articles(none).every((a) => a.hidden));
    assert.match(none, /<p id="none" class="empty">Nothing matches this search\.<\/p>/);
  });

  it('shows metadata from the registry as text: markup in a description is never markup on the page', async () => {
    const dom = await chromium(['--dump-dom', `file://${page}#q=hostile`]);
    assert.doesNotMatch(dom, /<img[^>]*id="injected"/);
    assert.doesNotMatch(dom, /<b>bold<\/b>/);
    assert.match(dom, /<title>Dev container catalogue<\/title>/);
    assert.ok(dom.includes('Hostile &lt;/script&gt;&lt;img src=x id=injected onerror="document.title=\'pwned\'"&gt; &lt;b&gt;bold&lt;/b&gt; &amp; done'), 'the description is shown as written');
  });
});
