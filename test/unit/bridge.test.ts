import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { bridgeAddressFrom, bridgeInterface, defaultGatewayFromRoute, indexProbeVerdict, inIpv4Subnet, parseIpAddr, preflightBridgeIndex } from '../../src/engine/bridge';
import type { EngineError } from '../../src/engine/log';
import { FakeEngine, type FakeRule } from './fake-engine';

describe('the Docker bridge address', () => {
  it('uses the IPAM gateway when the engine reports one', () => {
    const found = bridgeAddressFrom({ ipamConfig: [{ Subnet: '172.17.0.0/16', Gateway: '172.17.0.1' }], options: {}, interfaceAddresses: [] });
    assert.deepEqual(found, { address: '172.17.0.1', how: "the bridge network's IPAM gateway" });
  });

  it('finds the address on a freshly started dockerd, whose bridge reports no Gateway', () => {
    // What `docker network inspect bridge` answers on a fresh engine (checked 2026-12-01), and what
    // `ip -4 -o addr show dev docker0` prints while no container is attached (state DOWN, NO-CARRIER).
    const ip = '4: docker0    inet 172.17.0.1/16 brd 172.17.255.255 scope global docker0\\       valid_lft forever preferred_lft forever\n';
    const found = bridgeAddressFrom({ ipamConfig: [{ Subnet: '172.17.0.0/16' }], options: { 'com.docker.network.bridge.name': 'docker0' }, interfaceAddresses: parseIpAddr(ip) });
    assert.deepEqual(found, { address: '172.17.0.1', how: 'the address of the bridge interface docker0' });
  });

  it('follows the bridge interface the network names, and its subnet', () => {
    assert.equal(bridgeInterface({ 'com.docker.network.bridge.name': 'br0' }), 'br0');
    assert.equal(bridgeInterface({}), 'docker0');
    assert.equal(bridgeInterface({ 'com.docker.network.bridge.name': 'x; rm -rf /' }), 'docker0');
    const found = bridgeAddressFrom({ ipamConfig: [{ Subnet: '10.9.0.0/24' }], options: {}, interfaceAddresses: ['192.168.1.4/24', '10.9.0.1/24'] });
    assert.equal(found.address, '10.9.0.1');
  });

  it('says why when nothing usable is found, instead of guessing', () => {
    const none = bridgeAddressFrom({ ipamConfig: [{ Subnet: '172.17.0.0/16' }], options: null, interfaceAddresses: [] });
    assert.equal(none.address, undefined);
    assert.match('why' in none ? none.why : '', /reports no gateway \(IPAM config \[\{"Subnet":"172\.17\.0\.0\/16"\}\]\) and no IPv4 address of an interface named docker0 was found/);
    const outside = bridgeAddressFrom({ ipamConfig: [{ Subnet: '172.18.0.0/16' }], options: {}, interfaceAddresses: ['172.17.0.1/16'] });
    assert.match('why' in outside ? outside.why : '', /docker0 has 172\.17\.0\.1, outside 172\.18\.0\.0\/16/);
  });

  it('takes STAGEPACK_BRIDGE_ADDRESS first, and refuses one that is not an address', () => {
    assert.deepEqual(bridgeAddressFrom({ ipamConfig: [], options: {}, interfaceAddresses: [] }, '192.168.5.1'), { address: '192.168.5.1', how: 'STAGEPACK_BRIDGE_ADDRESS' });
    assert.equal(bridgeAddressFrom({ ipamConfig: [], options: {}, interfaceAddresses: [] }, 'docker0').address, undefined);
  });

  it("reads the default gateway from a container's /proc/net/route", () => {
    const route = [
      'Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT',
      'eth0\t00000000\t010011AC\t0003\t0\t0\t0\t00000000\t0\t0\t0',
      'eth0\t000011AC\t00000000\t0001\t0\t0\t0\t0000FFFF\t0\t0\t0',
    ].join('\n');
    assert.equal(defaultGatewayFromRoute(route), '172.17.0.1');
    assert.equal(defaultGatewayFromRoute(route.split('\n').filter((l) => !l.includes('010011AC')).join('\n')), undefined);
  });

  it('tests subnet membership', () => {
    assert.equal(inIpv4Subnet('172.17.0.1', '172.17.0.0/16'), true);
    assert.equal(inIpv4Subnet('172.18.0.1', '172.17.0.0/16'), false);
    assert.equal(inIpv4Subnet('10.0.0.1', '0.0.0.0/0'), true);
    assert.equal(inIpv4Subnet('10.0.0.1', 'nonsense'), false);
  });

  it('passes the preflight only for an index page with links', () => {
    assert.deepEqual(indexProbeVerdict('status 200 links 843\n'), { ok: true, detail: 'HTTP 200 with 843 project link(s)' });
    assert.equal(indexProbeVerdict('status 200 links 0\n').ok, false);
    assert.equal(indexProbeVerdict('status 404 links 0\n').ok, false);
    assert.deepEqual(indexProbeVerdict('error URLError <urlopen error [Errno 111] Connection refused>\n'), { ok: false, detail: 'URLError <urlopen error [Errno 111] Connection refused>' });
    assert.equal(indexProbeVerdict('').ok, false);
    const url = 'http://172.17.0.1:4000/0/simple/';
    assert.equal(indexProbeVerdict(`status 200 links 842\nurl ${url}\n`, url).ok, true);
    assert.deepEqual(indexProbeVerdict('status 200 links 9\nurl http://pypi.example/simple/\n', url), { ok: false, detail: 'redirected to http://pypi.example/simple/; only an answer from http://172.17.0.1:4000/0/simple/ itself proves that address works' });
  });
});

describe('the preflight of the index on the bridge', () => {
  const log = { lines: [] as string[], step(message: string) { this.lines.push(message); } };
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'stagepack-preflight-'));
  after(() => fs.rmSync(workDir, { recursive: true, force: true }));
  const local = { pypi: false, bridgeUrl: 'http://172.17.0.1:4000' };

  it('does nothing when builds install from PyPI itself', async () => {
    const engine = new FakeEngine(0);
    await preflightBridgeIndex(engine, log, { pypi: true }, { why: 'irrelevant' }, 'python:3.11-slim-bookworm', workDir);
    assert.equal(engine.calls.length, 0);
  });

  it('stops before any build when no bridge address was found, saying why and what to set', async () => {
    await assert.rejects(
      preflightBridgeIndex(new FakeEngine(0), log, { pypi: false }, { why: 'the bridge network reports no gateway' }, 'img', workDir),
      (error: EngineError) => /no address of this host on the bridge was found: the bridge network reports no gateway/.test(error.message) && /STAGEPACK_BRIDGE_ADDRESS/.test(error.hint),
    );
  });

  it('stops when a container cannot fetch /simple/ from there, naming the URL; removes the probe by id', async () => {
    const refused: FakeRule = (call) => (call.args[0] === 'run' ? { code: 0, stdout: 'error URLError <urlopen error [Errno 111] Connection refused>\n' } : undefined);
    const engine = new FakeEngine(0, [refused]);
    await assert.rejects(
      preflightBridgeIndex(engine, log, local, { address: '172.17.0.1', how: 'test' }, 'img', workDir),
      (error: EngineError) => /cannot use the package index at http:\/\/172\.17\.0\.1:4000\/0\/simple\/: URLError .*Connection refused/.test(error.message) && /port 4000/.test(error.hint),
    );
    const run = engine.find('docker', 'run')[0];
    assert.ok(run.args.includes('--network') && run.args.includes('bridge') && run.args.at(-1) === 'http://172.17.0.1:4000/0/simple/');
  });

  it('passes on an index page with links, and says so', async () => {
    const served: FakeRule = (call) => (call.args[0] === 'run' ? { stdout: 'status 200 links 842\n' } : undefined);
    await preflightBridgeIndex(new FakeEngine(0, [served]), log, local, { address: '172.17.0.1', how: 'the address of the bridge interface docker0' }, 'img', workDir);
    assert.match(log.lines.at(-1) ?? '', /reaches the index at http:\/\/172\.17\.0\.1:4000\/0\/simple\/ \(the address of the bridge interface docker0\): HTTP 200 with 842 project link\(s\)/);
  });
});
