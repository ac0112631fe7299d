import * as assert from 'node:assert/strict';
import * as http from 'node:http';
import { loadVerdict } from '../../src/testing/checks';
import { burst } from '../../src/testing/load';

describe('the load burst', () => {
  let server: http.Server;
  let port: number;
  let served = 0;
  const paths: string[] = [];
  before(async () => {
    server = http.createServer((request, response) => {
      served++;
      paths.push(request.url ?? '');
      if (request.url === '/fail' && served % 10 === 0) response.writeHead(503).end('busy');
      else if (request.url === '/limited' && served % 4 === 0) response.writeHead(429).end('slow down');
      else response.end('ok');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as { port: number }).port;
  });
  after(() => server.close());

  it('sends exactly the requested count at the given concurrency and measures each', async () => {
    served = 0;
    const result = await burst(`http://127.0.0.1:${port}/`, { requests: 300, concurrency: 8, timeLimitMs: 20_000 });
    assert.equal(served, 300);
    assert.equal(result.completed, 300);
    assert.equal(result.errors.count, 0);
    assert.equal(result.latenciesMs.length, 300);
    assert.match(loadVerdict(result).detail, /^300\/300 requests in \d+\.\d s, \d+ req\/s, latency p50 [\d.]+ ms, p95 [\d.]+ ms, p99 [\d.]+ ms, 0 errors$/);
  });

  it('counts 5xx answers and refused connections as errors, and fails the verdict', async () => {
    served = 0;
    const failing = await burst(`http://127.0.0.1:${port}/fail`, { requests: 100, concurrency: 4, timeLimitMs: 20_000 });
    assert.equal(failing.errors.count, 10);
    assert.equal(failing.errors.first, 'HTTP 503');
    const verdict = loadVerdict(failing);
    assert.equal(verdict.ok, false);
    assert.match(verdict.detail, /^10 error\(s\), the first: HTTP 503; 90\/100 requests/);
    const refused = await burst('http://127.0.0.1:1/', { requests: 5, concurrency: 2, timeLimitMs: 20_000 });
    assert.equal(refused.errors.count, 5);
    assert.match(refused.errors.first ?? '', /ECONNREFUSED/);
  });

  it('counts a 4xx under load (429) as an error too', async () => {
    served = 0;
    const limited = await burst(`http://127.0.0.1:${port}/limited`, { requests: 40, concurrency: 2, timeLimitMs: 20_000 });
    assert.equal(limited.errors.count, 10);
    assert.equal(limited.errors.first, 'HTTP 429');
    assert.equal(loadVerdict(limited).ok, false);
  });

  it('goes round several URLs in turn, so each check path is under load', async () => {
    paths.length = 0;
    const result = await burst([`http://127.0.0.1:${port}/a`, `http://127.0.0.1:${port}/b?x=1`, `http://127.0.0.1:${port}/c`], { requests: 30, concurrency: 3, timeLimitMs: 20_000 });
    assert.equal(result.completed, 30);
    assert.deepEqual([...new Set(paths)].sort(), ['/a', '/b?x=1', '/c']);
    for (const p of ['/a', '/b?x=1', '/c']) assert.equal(paths.filter((q) => q === p).length, 10);
  });

  it('stops by itself at its time limit', async () => {
    const stalled = http.createServer(() => undefined); // never answers
    await new Promise<void>((resolve) => stalled.listen(0, '127.0.0.1', resolve));
    const result = await burst(`http://127.0.0.1:${(stalled.address() as { port: number }).port}/`, { requests: 1000, concurrency: 2, timeLimitMs: 1 });
    stalled.closeAllConnections();
    stalled.close();
    assert.equal(result.timedOut, true);
    assert.ok(result.completed + result.errors.count < 1000);
    assert.match(loadVerdict(result).detail, /^stopped at the 30 s limit/);
  });
});
