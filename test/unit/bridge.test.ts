import * as assert from 'node:assert/strict';
import { bridgeAddressFrom, bridgeInterface, defaultGatewayFromRoute, indexProbeVerdict, inIpv4Subnet, parseIpAddr } from '../../src/engine/bridge';

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
  });
});
