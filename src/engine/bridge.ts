import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ok, run, tail } from '../proc';
import type { Engine } from './engine';
import { EngineError, type EngineLog } from './log';
import type { PackageIndex } from './package-index';

/**
 * The address of this host that containers on Docker's default bridge reach: where the package index is
 * served for containers that are not on the host network (a dev container's postCreateCommand, the builds
 * of `devcontainer features test`, compose builds).
 *
 * A freshly started dockerd (no docker0 before it) reports its bridge as `IPAM.Config =
 * [{"Subnet":"172.17.0.0/16"}]`, without a Gateway, although docker0 holds 172.17.0.1 and containers reach
 * the host there. So the Gateway is only the first answer: then the bridge interface's own IPv4 address
 * (the interface named by the network's `com.docker.network.bridge.name` option, docker0 by default), which
 * is what the Gateway would have said. STAGEPACK_BRIDGE_ADDRESS overrides both. Whatever is found is then
 * proved from a container (probeIndexFromBridge) before any run relies on it.
 */

export interface BridgeFacts {
  /** `docker network inspect bridge --format '{{json .IPAM.Config}}'`. */
  ipamConfig: unknown;
  /** `docker network inspect bridge --format '{{json .Options}}'`. */
  options: unknown;
  /**
   * The IPv4 addresses (CIDR) of the bridge interface, from `ip -4 -o addr show dev NAME`. Not
   * os.networkInterfaces(): libuv leaves out interfaces that are not running, and docker0 is not while no
   * container is attached to it, which is exactly the case on a fresh engine.
   */
  interfaceAddresses: readonly string[];
}

export type BridgeAddress = { address: string; how: string } | { address?: undefined; why: string };

const IPV4 = /^\d{1,3}(\.\d{1,3}){3}$/;

/** The bridge interface a network names (docker0 for the default bridge). */
export function bridgeInterface(options: unknown): string {
  const named = typeof options === 'object' && options !== null ? (options as Record<string, unknown>)['com.docker.network.bridge.name'] : undefined;
  return typeof named === 'string' && /^[\w.-]{1,15}$/.test(named) ? named : 'docker0';
}

/** Pure: the bridge address from what the engine and the host report. */
export function bridgeAddressFrom(facts: BridgeFacts, override?: string): BridgeAddress {
  if (override) {
    return IPV4.test(override) ? { address: override, how: 'STAGEPACK_BRIDGE_ADDRESS' } : { why: `STAGEPACK_BRIDGE_ADDRESS="${override}" is not an IPv4 address` };
  }
  const configs = (Array.isArray(facts.ipamConfig) ? facts.ipamConfig : []).map((c): Record<string, unknown> => (typeof c === 'object' && c !== null ? c : {}));
  const gateway = configs.map((c) => c.Gateway).find((g): g is string => typeof g === 'string' && IPV4.test(g));
  if (gateway) return { address: gateway, how: 'the bridge network\'s IPAM gateway' };
  const name = bridgeInterface(facts.options);
  const subnets = configs.map((c) => c.Subnet).filter((s): s is string => typeof s === 'string');
  const addresses = facts.interfaceAddresses.map((a) => a.split('/')[0]).filter((a) => IPV4.test(a));
  const inSubnet = addresses.find((a) => !subnets.length || subnets.some((s) => inIpv4Subnet(a, s)));
  if (inSubnet) return { address: inSubnet, how: `the address of the bridge interface ${name}` };
  const seen = addresses.length ? `${name} has ${addresses.join(', ')}, outside ${subnets.join(', ')}` : `no IPv4 address of an interface named ${name} was found`;
  return { why: `the bridge network reports no gateway (IPAM config ${JSON.stringify(facts.ipamConfig)}) and ${seen}` };
}

/** `ip -4 -o addr show dev NAME` -> its addresses in CIDR form. */
export function parseIpAddr(output: string): string[] {
  return [...output.matchAll(/\binet (\d{1,3}(?:\.\d{1,3}){3}\/\d{1,2})\b/g)].map((m) => m[1]);
}

/**
 * The default gateway in a container's /proc/net/route (the kernel's table: hex, little-endian): the host's
 * address on the bridge, as the container sees it.
 */
export function defaultGatewayFromRoute(procNetRoute: string): string | undefined {
  for (const line of procNetRoute.split('\n').slice(1)) {
    const [, destination, gateway] = line.trim().split(/\s+/);
    if (destination !== '00000000' || !gateway || !/^[0-9A-Fa-f]{8}$/.test(gateway) || gateway === '00000000') continue;
    const bytes = gateway.match(/../g)?.map((b) => parseInt(b, 16)).reverse() ?? [];
    return bytes.join('.');
  }
  return undefined;
}

/** Whether an IPv4 address lies in a CIDR subnet such as 172.17.0.0/16. */
export function inIpv4Subnet(address: string, cidr: string): boolean {
  const [base, bits] = cidr.split('/');
  const toNumber = (a: string) => a.split('.').reduce((n, part) => n * 256 + Number(part), 0);
  const prefix = Number(bits);
  if (!IPV4.test(address) || !IPV4.test(base ?? '') || !(prefix >= 0 && prefix <= 32)) return false;
  const size = 2 ** (32 - prefix);
  return Math.floor(toNumber(address) / size) === Math.floor(toNumber(base) / size);
}

/**
 * Asks the engine, then the host; when neither knows, a throwaway container on the bridge (of `image`,
 * which must be present) reads its default route. Removed by the id docker wrote to a cidfile of ours.
 */
export async function bridgeAddress(engine: Engine, image: string, workDir: string, env: NodeJS.ProcessEnv = process.env): Promise<BridgeAddress> {
  const result = await engine.docker(['network', 'inspect', 'bridge', '--format', '{{json .IPAM.Config}}\t{{json .Options}}'], { timeoutMs: 30_000 });
  if (!ok(result)) return { why: `docker network inspect bridge failed: ${tail(result, 2)}` };
  const [ipam, options] = result.stdout.trim().split('\t');
  const shown = await run('ip', ['-4', '-o', 'addr', 'show', 'dev', bridgeInterface(parseOr(options))], { timeoutMs: 10_000 });
  const found = bridgeAddressFrom({ ipamConfig: parseOr(ipam), options: parseOr(options), interfaceAddresses: ok(shown) ? parseIpAddr(shown.stdout) : [] }, env.STAGEPACK_BRIDGE_ADDRESS);
  if (found.address !== undefined || env.STAGEPACK_BRIDGE_ADDRESS) return found;
  const route = await throwawayContainer(engine, workDir, ['--entrypoint', 'cat', image, '/proc/net/route']);
  const gateway = ok(route) ? defaultGatewayFromRoute(route.stdout) : undefined;
  return gateway ? { address: gateway, how: 'the default route of a container on the bridge' } : { why: `${found.why}; a container on the bridge showed no default route (${tail(route, 2) || 'no output'})` };
}

/** `docker run --rm` on the default bridge, removed by id whatever happened (a timeout leaves it running). */
async function throwawayContainer(engine: Engine, workDir: string, args: readonly string[]) {
  const cidFile = path.join(workDir, `bridge-probe-${randomBytes(4).toString('hex')}.cid`);
  try {
    return await engine.docker(['run', '--rm', '--cidfile', cidFile, '--network', 'bridge', ...args], { timeoutMs: 60_000 });
  } finally {
    const id = fs.existsSync(cidFile) ? fs.readFileSync(cidFile, 'utf8').trim() : '';
    if (id) await engine.docker(['rm', '--force', id], { timeoutMs: 30_000 });
    fs.rmSync(cidFile, { force: true });
  }
}

function parseOr(text: string | undefined): unknown {
  try {
    return JSON.parse(text ?? 'null');
  } catch {
    return null;
  }
}

/** The script a throwaway container runs: fetch the URL, require a 200 and a PEP 503 page of links. */
export const INDEX_PROBE_SCRIPT = [
  'import sys, urllib.request',
  'try:',
  '    r = urllib.request.urlopen(sys.argv[1], timeout=10)',
  '    body = r.read(65536)',
  '    print("status", r.status, "links", body.count(b"<a "))',
  '    print("url", r.geturl())',
  'except Exception as e:',
  '    print("error", type(e).__name__, e)',
].join('\n');

/**
 * Pure: whether the probe's output proves a usable simple index at `url` itself (urllib follows redirects:
 * an answer from elsewhere proves nothing about this address).
 */
export function indexProbeVerdict(output: string, url?: string): { ok: boolean; detail: string } {
  const answer = /^status (\d+) links (\d+)$/m.exec(output);
  const final = /^url (\S+)$/m.exec(output)?.[1];
  if (answer && url && final && final !== url) return { ok: false, detail: `redirected to ${final}; only an answer from ${url} itself proves that address works` };
  if (answer && answer[1] === '200' && Number(answer[2]) > 0) return { ok: true, detail: `HTTP 200 with ${answer[2]} project link(s)` };
  if (answer) return { ok: false, detail: `HTTP ${answer[1]} with ${answer[2]} project link(s), not an index page` };
  const error = /^error (.*)$/m.exec(output);
  return { ok: false, detail: error ? error[1] : `no answer (${output.trim().split('\n').slice(-2).join(' ') || 'no output'})` };
}

/**
 * Preflight: a throwaway container on the default bridge fetches the index's `/simple/` page, as every
 * lifecycle command and compose build will. If it cannot, nothing is built: an EngineError names the
 * address tried and the fix. The container is removed by the id docker wrote to a cidfile of ours.
 */
export async function probeIndexFromBridge(engine: Engine, url: string, image: string, workDir: string): Promise<string> {
  const result = await throwawayContainer(engine, workDir, ['--entrypoint', 'python3', image, '-c', INDEX_PROBE_SCRIPT, url]);
  const verdict = indexProbeVerdict(result.stdout, url);
  if (!verdict.ok) {
    const { hostname, port } = new URL(url);
    throw new EngineError(
      `A container on the Docker bridge cannot use the package index at ${url}: ${result.stdout.trim() ? verdict.detail : tail(result, 3) || 'no output'}.`,
      `Let containers on the bridge reach this host's ${hostname} on port ${port} (a firewall rule on the bridge interface is the usual cause), or set STAGEPACK_BRIDGE_ADDRESS to an address of this host that containers reach.`,
    );
  }
  return verdict.detail;
}

/**
 * Before the first run: when the index is served locally, containers on the bridge must be able to use it,
 * or a lifecycle command's `pip install` would silently fall back to PyPI and fail far from the cause. Stops
 * (EngineError, exit 2) with the address tried and the fix; says what it proved otherwise.
 */
export async function preflightBridgeIndex(
  engine: Engine,
  log: EngineLog,
  index: Pick<PackageIndex, 'pypi' | 'bridgeUrl'>,
  bridge: BridgeAddress,
  image: string,
  workDir: string,
): Promise<void> {
  // The probe runs in `image`, which bridgeAddress may already have needed: the caller made it present.
  if (index.pypi) return;
  if (bridge.address === undefined) {
    throw new EngineError(
      `Containers on the Docker bridge need the local package index, but no address of this host on the bridge was found: ${bridge.why}.`,
      'Set STAGEPACK_BRIDGE_ADDRESS to an IPv4 address of this host that containers on the default bridge reach (the bridge interface\'s own, usually 172.17.0.1).',
    );
  }
  if (!index.bridgeUrl) {
    throw new EngineError(
      `The local package index could not be served on ${bridge.address} (${bridge.how}), so containers on the bridge could not install packages.`,
      'Check that the address belongs to this host (ip -4 addr), or set STAGEPACK_BRIDGE_ADDRESS to one that does.',
    );
  }
  const url = `${index.bridgeUrl}/0/simple/`;
  const proved = await probeIndexFromBridge(engine, url, image, workDir);
  log.step(`A container on the Docker bridge reaches the index at ${url} (${bridge.how}): ${proved}`);
}
