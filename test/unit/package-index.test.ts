import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import { indexEnv, parsePipConfig, serveIndex } from '../../src/engine/package-index';
import { scenariosNeedIndex } from '../../src/testing/feature-test';

function get(port: number, urlPath: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    http.get({ host: '127.0.0.1', port, path: urlPath }, (response) => {
      let body = '';
      response.on('data', (c: Buffer) => { body += c.toString(); });
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
    }).on('error', reject);
  });
}

describe('the local package index', () => {
  it('reads file:// indexes and find-links folders from `pip config list`', () => {
    const output = [
      ":env:.find-links='/opt/wheels'",
      "global.extra-index-url='file:///opt/pypi/simple file:///opt/pypi-more/simple/'",
      "global.index-url='https://mirror.example/simple'",
      "global.find-links='/opt/wheels'",
    ].join('\n');
    assert.deepEqual(parsePipConfig(output), { indexRoots: ['/opt/pypi', '/opt/pypi-more'], findLinks: ['/opt/wheels'] });
  });

  describe('served on loopback', () => {
    let root: string;
    let server: http.Server;
    let port: number;
    before(async () => {
      root = fs.mkdtempSync(path.join(os.tmpdir(), 'stagepack-index-'));
      fs.mkdirSync(path.join(root, 'index', 'simple', 'flask'), { recursive: true });
      fs.writeFileSync(path.join(root, 'index', 'simple', 'flask', 'index.html'), '<a href="../../files/flask.whl">flask.whl</a>');
      fs.mkdirSync(path.join(root, 'index', 'files'));
      fs.writeFileSync(path.join(root, 'index', 'files', 'flask.whl'), 'wheel');
      fs.mkdirSync(path.join(root, 'wheels'));
      fs.writeFileSync(path.join(root, 'wheels', 'torch-1-py3-none-any.whl'), 'torch');
      fs.writeFileSync(path.join(root, 'secret.txt'), 'outside');
      server = await serveIndex([path.join(root, 'index')], [path.join(root, 'wheels')]);
      port = (server.address() as { port: number }).port;
    });
    after(() => {
      server.close();
      fs.rmSync(root, { recursive: true, force: true });
    });

    it('serves a project page of the simple index and the file it links to', async () => {
      assert.equal((await get(port, '/0/simple/flask/')).body, '<a href="../../files/flask.whl">flask.whl</a>');
      assert.equal((await get(port, '/0/files/flask.whl')).body, 'wheel');
    });

    it('lists find-links wheels and serves them', async () => {
      const page = await get(port, '/links/');
      assert.match(page.body, /href="\/links\/0\/torch-1-py3-none-any.whl"/);
      assert.equal((await get(port, '/links/0/torch-1-py3-none-any.whl')).body, 'torch');
    });

    it('refuses paths outside its roots and unknown roots', async () => {
      assert.equal((await get(port, '/0/../secret.txt')).status, 404);
      assert.equal((await get(port, '/0/%2e%2e/secret.txt')).status, 404);
      assert.equal((await get(port, '/7/simple/')).status, 404);
      assert.equal((await get(port, '/0/simple/nothing/')).status, 404);
    });
  });

  it('hands containers the index as pip and pipenv variables, trusting only its own host', () => {
    assert.deepEqual(indexEnv('http://172.17.0.1:4000', 2, true), {
      PIP_INDEX_URL: 'http://172.17.0.1:4000/0/simple/',
      PIP_EXTRA_INDEX_URL: 'http://172.17.0.1:4000/1/simple/',
      PIP_FIND_LINKS: 'http://172.17.0.1:4000/links/',
      PIP_TRUSTED_HOST: '172.17.0.1',
      PIPENV_PYPI_MIRROR: 'http://172.17.0.1:4000/0/simple/',
    });
    assert.deepEqual(Object.keys(indexEnv('http://10.0.0.1:1', 1, false)), ['PIP_INDEX_URL', 'PIP_TRUSTED_HOST', 'PIPENV_PYPI_MIRROR']);
  });

  it('knows a feature\'s scenarios need the index when they name ${localEnv:PIP_...}', () => {
    assert.equal(scenariosNeedIndex('{"s": {"features": {"f": {"indexUrl": "${localEnv:PIP_INDEX_URL}"}}}}'), true);
    assert.equal(scenariosNeedIndex('{"s": {"features": {"f": {"indexUrl": "${localEnv:PIP_INDEX_URL:https://pypi.org/simple}"}}}}'), true);
    assert.equal(scenariosNeedIndex('{"s": {"features": {"f": {"home": "${localEnv:HOME}"}}}}'), false);
    assert.equal(scenariosNeedIndex('{"s": {"features": {"f": {"pipIndexUrl": "https://pypi.example.com/simple"}}}}'), false);
  });
});
