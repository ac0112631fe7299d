import * as fs from 'node:fs';
import * as http from 'node:http';
import * as net from 'node:net';
import * as path from 'node:path';
import { startDetached } from '../proc';
import { aptInstall, sleep } from './docker';
import { EngineError, type EngineLog } from './log';
import { stateDir } from './state';

/**
 * A local OCI registry (the CNCF distribution registry, Debian's docker-registry package) on loopback.
 *
 * The host is always `localhost`: the Dev Containers CLI speaks plain HTTP only to a registry whose host is
 * exactly `localhost` (127.0.0.1 makes it try TLS and fail).
 */

export const DEFAULT_REGISTRY_PORT = 5000;

/** STAGEPACK_REGISTRY_PORT moves the default registry (for a machine where 5000 is taken, and for tests). */
export function defaultRegistryPort(env: NodeJS.ProcessEnv = process.env): number {
  const port = Number(env.STAGEPACK_REGISTRY_PORT);
  return Number.isInteger(port) && port > 0 && port < 65536 ? port : DEFAULT_REGISTRY_PORT;
}

export interface Registry {
  /** `localhost:PORT`, as given to `devcontainer ... publish -r` and used in references. */
  host: string;
  port: number;
  /** Set when this process started the registry; stop() ends it (by pid) and removes its storage if temporary. */
  pid?: number;
  stop(): Promise<void>;
}

const REGISTRY_BINARY = '/usr/bin/docker-registry';

/** Asks `GET /v2/`; a distribution registry answers 200 (or 401 with auth) and names its API version. */
export function probeRegistry(port: number): Promise<'registry' | 'other' | 'closed'> {
  return new Promise((resolve) => {
    const request = http.get({ host: '127.0.0.1', port, path: '/v2/', timeout: 3000 }, (response) => {
      response.resume();
      resolve(response.headers['docker-distribution-api-version'] ? 'registry' : 'other');
    });
    request.on('timeout', () => request.destroy());
    request.on('error', () => resolve('closed'));
  });
}

/**
 * The default registry of `stagepack publish`: uses one already answering on localhost:PORT, or starts a
 * persistent one (storage in the state folder) that outlives stagepack, so `devcontainer templates apply`
 * can read from it afterwards.
 */
export async function ensureDefaultRegistry(log: EngineLog, port = defaultRegistryPort()): Promise<Registry> {
  const state = await probeRegistry(port);
  const host = `localhost:${port}`;
  if (state === 'registry') {
    log.step(`OCI registry answers on ${host}`);
    return { host, port, stop: async () => undefined };
  }
  if (state === 'other') {
    throw new EngineError(
      `Something that is not an OCI registry answers on ${host}.`,
      'Stop it, or pass --registry localhost:PORT with a free port or a running registry.',
    );
  }
  const storage = path.join(stateDir(), 'registry');
  const pid = await startRegistry(log, port, storage, true);
  log.step(`Started an OCI registry on ${host} (pid ${pid}, storage ${storage}); it keeps running after stagepack exits`);
  // It outlives this command on purpose (users apply from it afterwards); pid says it was ours.
  return { host, port, pid, stop: async () => undefined };
}

/**
 * A registry for one test run: a free port, storage in a temporary folder, stopped and removed by stop().
 * Tests publish into it, so nothing they do shows in the user's own registry.
 */
export async function startEphemeralRegistry(log: EngineLog, storage: string): Promise<Registry> {
  const port = await freePort();
  const pid = await startRegistry(log, port, storage, false);
  log.step(`Started a temporary OCI registry on localhost:${port} (pid ${pid})`);
  return {
    host: `localhost:${port}`,
    port,
    pid,
    stop: async () => {
      try {
        process.kill(pid, 'SIGTERM');
      } catch {
        // already gone
      }
      for (let i = 0; i < 20 && (await probeRegistry(port)) !== 'closed'; i++) await sleep(100);
      fs.rmSync(storage, { recursive: true, force: true });
    },
  };
}

async function startRegistry(log: EngineLog, port: number, storage: string, persistent: boolean): Promise<number> {
  if (!fs.existsSync(REGISTRY_BINARY)) {
    if (process.getuid?.() !== 0 || !fs.existsSync('/usr/bin/apt-get')) {
      throw new EngineError('No OCI registry answers and docker-registry is not installed.', 'Install Debian\'s docker-registry package, or pass --registry HOST.');
    }
    await aptInstall(log, ['docker-registry']);
  }
  fs.mkdirSync(storage, { recursive: true });
  const dir = persistent ? stateDir() : storage;
  const config = path.join(dir, `registry-${port}.yml`);
  fs.writeFileSync(config, registryConfig(port, path.join(storage, 'data')));
  const logFile = path.join(dir, `registry-${port}.log`);
  const pid = startDetached(REGISTRY_BINARY, ['serve', config], logFile);
  if (!pid) throw new EngineError('Could not start docker-registry.', `See ${logFile}.`);
  if (persistent) fs.writeFileSync(path.join(dir, `registry-${port}.pid`), `${pid}\n`);
  for (let i = 0; i < 100; i++) {
    if ((await probeRegistry(port)) === 'registry') return pid;
    await sleep(100);
  }
  throw new EngineError(`The registry on localhost:${port} did not answer within 10 s.`, `See ${logFile}.`);
}

/** Distribution 2.8 configuration: loopback only, filesystem storage, deletes allowed (so tests can clean). */
export function registryConfig(port: number, rootDirectory: string): string {
  return [
    'version: 0.1',
    'log:',
    '  level: warn',
    'storage:',
    '  filesystem:',
    `    rootdirectory: ${rootDirectory}`,
    '  delete:',
    '    enabled: true',
    'http:',
    `  addr: 127.0.0.1:${port}`,
    '',
  ].join('\n');
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
