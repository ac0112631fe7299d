import * as fs from 'node:fs';
import * as path from 'node:path';
import { ok, run, startDetached, tail } from '../proc';
import { dockerEngine, type Engine } from './engine';
import type { EngineLog } from './log';
import { EngineError } from './log';
import { stateDir } from './state';

/**
 * A Docker engine that answers, and a client that builds with BuildKit.
 *
 * BuildKit is what makes the templates work as written (cache and secret mounts, skipping stages the target
 * does not need). A client with the buildx plugin gives it; so does a pre-23 client with DOCKER_BUILDKIT=1,
 * which uses the daemon's built-in BuildKit. Debian 12's docker.io (20.10) is the second kind, which is why,
 * when the `docker` on PATH is a newer client without buildx, we use /usr/bin/docker.
 */

const DEBIAN_CLIENT = '/usr/bin/docker';

export async function ensureDocker(log: EngineLog, env: NodeJS.ProcessEnv = process.env): Promise<Engine> {
  const buildEnv = { ...env, DOCKER_BUILDKIT: '1' };
  let client = await pickBuildKitClient(buildEnv);
  let startedByUs = false;
  if (client) {
    const info = await serverVersion(client, buildEnv);
    if (info) {
      log.step(`Docker engine ${info} answers; building with BuildKit through ${client}`);
      return dockerEngine({ client, serverVersion: info, env: buildEnv, startedByUs });
    }
  }

  // Nothing answers, or no client can build with BuildKit: install Debian's engine (idempotent) and start it.
  if (process.getuid?.() !== 0 || !fs.existsSync('/usr/bin/apt-get')) {
    throw new EngineError(
      client ? 'No Docker engine answers.' : 'No Docker client that can build with BuildKit was found.',
      'Start a Docker engine (and make sure `docker info` works), or run stagepack as root on Debian so it can install docker.io itself.',
    );
  }
  if (!fs.existsSync('/usr/sbin/dockerd') || !fs.existsSync(DEBIAN_CLIENT)) {
    await aptInstall(log, ['docker.io']);
  }
  client = DEBIAN_CLIENT;
  if (!(await serverVersion(client, buildEnv))) {
    const logFile = path.join(stateDir(), 'dockerd.log');
    log.step(`Starting dockerd in the background (log: ${logFile})`);
    const pid = startDetached('/usr/sbin/dockerd', [], logFile, env);
    fs.writeFileSync(path.join(stateDir(), 'dockerd.pid'), `${pid ?? ''}\n`);
    startedByUs = true;
    const deadline = Date.now() + 60_000;
    while (!(await serverVersion(client, buildEnv))) {
      if (Date.now() > deadline) throw new EngineError('dockerd did not answer within 60 s.', `See ${logFile} for why it did not start.`);
      await sleep(500);
    }
  }
  const version = (await serverVersion(client, buildEnv)) ?? 'unknown';
  log.step(`Docker engine ${version} answers; building with BuildKit through ${client}`);
  return dockerEngine({ client, serverVersion: version, env: buildEnv, startedByUs });
}

/** The first client whose `docker build` will use BuildKit. */
async function pickBuildKitClient(env: NodeJS.ProcessEnv): Promise<string | undefined> {
  const candidates = [await which('docker', env), DEBIAN_CLIENT].filter((c): c is string => Boolean(c));
  for (const candidate of [...new Set(candidates)]) {
    if (!fs.existsSync(candidate)) continue;
    if (ok(await run(candidate, ['buildx', 'version'], { env, timeoutMs: 10_000 }))) return candidate;
    const version = await run(candidate, ['version', '--format', '{{.Client.Version}}'], { env, timeoutMs: 10_000 });
    const major = Number(/^(\d+)\./.exec(version.stdout.trim())?.[1]);
    // Before 23.0, DOCKER_BUILDKIT=1 selects the daemon's built-in BuildKit without the buildx plugin.
    if (major > 0 && major < 23) return candidate;
  }
  return undefined;
}

async function serverVersion(client: string, env: NodeJS.ProcessEnv): Promise<string | undefined> {
  const result = await run(client, ['version', '--format', '{{.Server.Version}}'], { env, timeoutMs: 15_000 });
  const version = result.stdout.trim();
  return ok(result) && version ? version : undefined;
}

async function which(command: string, env: NodeJS.ProcessEnv): Promise<string | undefined> {
  for (const dir of (env.PATH ?? '').split(':')) {
    const candidate = path.join(dir, command);
    try {
      fs.accessSync(candidate, fs.constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

let aptUpdated = false;

/** `apt-get install` as root on Debian, for the engine's own pieces. Idempotent; says what it does. */
export async function aptInstall(log: EngineLog, packages: readonly string[]): Promise<void> {
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const logFile = path.join(stateDir(), 'apt.log');
  if (!aptUpdated) {
    log.step('apt-get update');
    const update = await run('apt-get', ['update', '-qq'], { env, logFile, timeoutMs: 300_000 });
    if (!ok(update)) throw new EngineError(`apt-get update failed:\n${tail(update)}`, `See ${logFile}; check that Debian's archive is reachable.`);
    aptUpdated = true;
  }
  log.step(`apt-get install ${packages.join(' ')}`);
  const install = await run('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...packages], { env, logFile, timeoutMs: 900_000 });
  if (!ok(install)) {
    throw new EngineError(`apt-get install ${packages.join(' ')} failed:\n${tail(install)}`, `See ${logFile}; install the packages by hand and rerun.`);
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

