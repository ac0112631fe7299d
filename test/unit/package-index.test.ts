import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { indexEnv, mirrorFiles, parsePipConfig, serveIndex } from '../../src/engine/package-index';
import { scenariosNeedIndex } from '../../src/testing/feature-test';

/** Sends raw bytes and returns everything the server answers before it closes (or 3 s pass). */
function request(port: number, raw: string): Promise<string> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    let answer = '';
    const done = () => {
      socket.destroy();
      resolve(answer);
    };
    socket.setTimeout(3000, done);
    socket.on('data', (chunk: Buffer) => { answer += chunk.toString('latin1'); });
    socket.on('end', done);
    socket.on('error', done);
    socket.write(raw, 'latin1');
  });
}

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

  describe('served where containers reach it: every request is hostile', () => {
    let root: string;
    let server: http.Server;
    let port: number;
    const SECRET = 'outside-the-index-roots';
    before(async () => {
      root = fs.mkdtempSync(path.join(os.tmpdir(), 'stagepack-index-'));
      fs.mkdirSync(path.join(root, 'index', 'simple', 'flask'), { recursive: true });
      fs.writeFileSync(path.join(root, 'index', 'simple', 'index.html'), '<a href="flask/">flask</a>');
      fs.writeFileSync(path.join(root, 'index', 'simple', 'flask', 'index.html'), '<a href="../../files/flask.whl">flask.whl</a>');
      fs.mkdirSync(path.join(root, 'index', 'files'));
      fs.writeFileSync(path.join(root, 'index', 'files', 'flask.whl'), 'wheel');
      fs.writeFileSync(path.join(root, 'index', '.netrc'), SECRET);
      fs.mkdirSync(path.join(root, 'wheels'));
      fs.writeFileSync(path.join(root, 'wheels', 'torch-1-py3-none-any.whl'), 'torch');
      fs.writeFileSync(path.join(root, 'wheels', '<b>&x-1-py3-none-any.whl'), 'odd name');
      fs.mkdirSync(path.join(root, 'outside'));
      fs.writeFileSync(path.join(root, 'outside', 'secret.txt'), SECRET);
      fs.writeFileSync(path.join(root, 'secret.txt'), SECRET);
      // Links out of the root (a file and a folder) must not be followed; one inside the root may.
      fs.symlinkSync(path.join(root, 'outside', 'secret.txt'), path.join(root, 'index', 'files', 'evil.whl'));
      fs.symlinkSync(path.join(root, 'outside'), path.join(root, 'index', 'simple', 'evil'));
      fs.symlinkSync(path.join(root, 'index', 'files', 'flask.whl'), path.join(root, 'index', 'files', 'alias.whl'));
      server = await serveIndex([path.join(root, 'index')], [path.join(root, 'wheels')]);
      port = (server.address() as { port: number }).port;
    });
    after(() => {
      server.close();
      server.closeAllConnections();
      fs.rmSync(root, { recursive: true, force: true });
    });

    it('serves a project page of the simple index and the file it links to', async () => {
      assert.equal((await get(port, '/0/simple/flask/')).body, '<a href="../../files/flask.whl">flask.whl</a>');
      assert.equal((await get(port, '/0/files/flask.whl')).body, 'wheel');
      assert.equal((await get(port, '/0/files/alias.whl')).body, 'wheel', 'a link inside the root is followed');
    });

    it('redirects a folder asked for without its slash to its own path, prefix kept', async () => {
      const answer = await request(port, 'GET /0/simple/flask HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
      assert.match(answer, /^HTTP\/1\.1 301 /);
      assert.match(answer, /\r\nlocation: \/0\/simple\/flask\/\r\n/i);
    });

    it('lists find-links wheels, names escaped, and serves them', async () => {
      const page = await get(port, '/links/');
      assert.match(page.body, /href="\/links\/0\/torch-1-py3-none-any.whl"/);
      assert.match(page.body, />&#60;b&#62;&#38;x-1-py3-none-any\.whl</);
      assert.equal((await get(port, '/links/0/torch-1-py3-none-any.whl')).body, 'torch');
    });

    const refusals: [string, number][] = [
      ['/0/../secret.txt', 403],
      ['/0/%2e%2e/secret.txt', 403],
      ['/0/simple/%2e%2e/%2e%2e/secret.txt', 403],
      ['/0/%E0%A4%A', 400],
      ['/0/%', 400],
      ['/0/files/flask.whl%00.html', 400],
      ['//etc/passwd', 404],
      ['/0//etc/passwd', 404],
      ['/0/%2Fetc%2Fpasswd', 404],
      ['/0/.netrc', 403],
      ['/0/files/evil.whl', 404],
      ['/0/simple/evil/secret.txt', 404],
      ['/7/simple/', 404],
      ['/99999999999999999999/simple/', 404],
      ['/0/simple/nothing/', 404],
      ['/links/0/../../secret.txt', 403],
    ];
    for (const [url, status] of refusals) {
      it(`answers ${status} to GET ${url}, and nothing from outside its roots`, async () => {
        const answer = await get(port, url);
        assert.equal(answer.status, status);
        assert.doesNotMatch(answer.body, new RegExp(SECRET));
      });
    }

    it('allows only GET and HEAD', async () => {
      for (const method of ['POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'TRACE', 'PROPFIND']) {
        const answer = await request(port, `${method} /0/simple/ HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\nConnection: close\r\n\r\n`);
        assert.match(answer, /^HTTP\/1\.1 405 /, method);
        assert.match(answer, /\r\nallow: GET, HEAD\r\n/i, method);
      }
      const head = await request(port, 'HEAD /0/files/flask.whl HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
      assert.match(head, /^HTTP\/1\.1 200 /);
      assert.doesNotMatch(head, /\r\n\r\nwheel/);
    });

    it('refuses oversized headers and requests that are not HTTP', async () => {
      assert.match(await request(port, `GET /0/simple/ HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(40_000)}\r\n\r\n`), /^HTTP\/1\.1 431 /);
      assert.match(await request(port, 'NOT HTTP AT ALL\r\n\r\n'), /^HTTP\/1\.1 400 /);
      assert.match(await request(port, 'GET /0/simple/\x00 HTTP/1.1\r\n\r\n'), /^HTTP\/1\.1 400 /);
    });

    it('survives 1,200 malformed requests (seeded fuzz) and still answers, never with a file from outside', async function () {
      this.timeout(60_000);
      let seed = Number(process.env.STAGEPACK_FUZZ_SEED ?? 20261201);
      const random = () => {
        seed = (seed * 1103515245 + 12345) % 2147483648;
        return seed / 2147483648;
      };
      const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)];
      const pieces = ['..', '%2e%2e', '%2E.', '%', '%E0%A4%A', '%00', '%ff', '//', '\\', '/etc/passwd', 'simple', 'files', 'evil', '.netrc', '~', '?x=1', '#', '%2F', 'links', '0', '1', '\u00e9', ';', '*', ' '];
      const methods = ['GET', 'HEAD', 'POST', 'get', 'G\x00T', 'CONNECT', 'BREW', ''];
      const statuses = new Map<string, number>();
      for (let batch = 0; batch < 60; batch++) {
        await Promise.all(Array.from({ length: 20 }, async () => {
          const target = `/${Array.from({ length: 1 + Math.floor(random() * 6) }, () => pick(pieces)).join(pick(['/', '', '/']))}`;
          const extra = random() < 0.2 ? `X-Junk: ${'z'.repeat(Math.floor(random() * 30_000))}\r\n` : '';
          const framing = pick(['HTTP/1.1', 'HTTP/1.0', 'HTTP/9.9', '', 'HTTP/1.1\r\nTransfer-Encoding: chunked\r\nContent-Length: 5']);
          const answer = await request(port, `${pick(methods)} ${target} ${framing}\r\nHost: x\r\n${extra}Connection: close\r\n\r\n`);
          assert.doesNotMatch(answer, new RegExp(SECRET), `GET ${target} leaked a file from outside the roots`);
          const status = /^HTTP\/1\.[01] (\d{3})/.exec(answer)?.[1] ?? 'closed';
          statuses.set(status, (statuses.get(status) ?? 0) + 1);
        }));
      }
      assert.equal([...statuses.values()].reduce((a, b) => a + b, 0), 1200);
      assert.ok(!statuses.has('500'), `some requests got a 500: ${JSON.stringify([...statuses])}`);
      assert.equal((await get(port, '/0/simple/flask/')).status, 200, 'the server stopped answering');
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

describe('the files of a distribution in the local mirror', () => {
  it('reads the links of its simple/ page and its find-links files, by normalised name', () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'stagepack-mirror-'));
    try {
      fs.mkdirSync(path.join(root, 'index', 'simple', 'pydantic-core'), { recursive: true });
      fs.writeFileSync(path.join(root, 'index', 'simple', 'pydantic-core', 'index.html'), '<html><body><a href="../../files/pydantic_core-2.46.5-cp311-cp311-linux_x86_64.whl#sha256=ab">pydantic_core-2.46.5-cp311-cp311-linux_x86_64.whl</a>\n</body></html>');
      fs.mkdirSync(path.join(root, 'wheels'));
      fs.writeFileSync(path.join(root, 'wheels', 'Pydantic_Core-2.46.5.tar.gz'), '');
      fs.writeFileSync(path.join(root, 'wheels', 'flask-3.1.3-py3-none-any.whl'), '');
      assert.deepEqual(mirrorFiles([path.join(root, 'index')], [path.join(root, 'wheels')], 'pydantic_core'), ['Pydantic_Core-2.46.5.tar.gz', 'pydantic_core-2.46.5-cp311-cp311-linux_x86_64.whl']);
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });
});
