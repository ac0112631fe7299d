import * as fs from 'node:fs';
import * as path from 'node:path';
import { ok, run, tail } from '../proc';
import type { Engine } from './engine';
import { EngineError, type EngineLog } from './log';
import { stateDir } from './state';

/**
 * Docker Compose v2, for templates whose dev container is a compose service. The Dev Containers CLI runs it
 * (`--docker-compose-path`); so does `stagepack test` for the app service.
 *
 * v2 is needed, not any compose: it builds with BuildKit and passes build `secrets`, which the templates use
 * for pip.conf. Found on PATH (`docker-compose`) or as the client's plugin (`docker compose`) when either is
 * v2. Otherwise, as root on Debian: Debian 12 ships only compose 1.29 (Python, no build secrets), so we take
 * Debian 13's `docker-compose` package (v2, a static Go program needing only libc >= 2.34) with apt itself,
 * through a sources list and package lists of our own in the state folder: apt verifies the archive's
 * signatures as for any install, and the system's apt configuration and installed packages stay untouched.
 * The program is unpacked into the state folder (`dpkg-deb -x`), nothing is installed.
 */

export interface Compose {
  /** A program that behaves as `docker-compose` (v2); for --docker-compose-path and our own calls. */
  program: string;
  /** Arguments placed before compose's own (`compose` when the program is the docker client). */
  prefix: string[];
  version: string;
}

/** Debian 13 (trixie) carries compose v2 for amd64 and arm64. */
const DEBIAN_SUITE = 'trixie';
const DEBIAN_PACKAGE = 'docker-compose';

export async function ensureCompose(engine: Engine, log: EngineLog): Promise<Compose> {
  for (const candidate of [{ program: 'docker-compose', prefix: [] }, { program: engine.client, prefix: ['compose'] }]) {
    const version = await composeVersion(candidate.program, candidate.prefix, engine.env);
    if (version && isV2(version)) return { ...candidate, version };
  }
  const dir = path.join(stateDir(), 'tools', `${DEBIAN_PACKAGE}-${DEBIAN_SUITE}`);
  const program = path.join(dir, 'root', 'usr', 'libexec', 'docker', 'cli-plugins', 'docker-compose');
  const unpacked = await composeVersion(program, [], engine.env);
  if (unpacked && isV2(unpacked)) return { program, prefix: [], version: unpacked };

  if (process.getuid?.() !== 0 || !fs.existsSync('/usr/bin/apt-get')) {
    throw new EngineError(
      'Templates whose dev container is a compose service need Docker Compose v2, and none was found.',
      'Install the Compose v2 plugin (`docker compose version` must answer 2.x), or run stagepack as root on Debian so it can fetch one.',
    );
  }
  log.step(`Docker Compose v2 is missing (Debian 12 ships only 1.29, without build secrets): fetching Debian ${DEBIAN_SUITE}'s ${DEBIAN_PACKAGE} with apt into ${dir}`);
  fs.rmSync(dir, { recursive: true, force: true });
  for (const sub of ['lists/partial', 'cache/archives/partial', 'download']) fs.mkdirSync(path.join(dir, sub), { recursive: true });
  fs.writeFileSync(path.join(dir, 'sources.list'), `deb http://deb.debian.org/debian ${DEBIAN_SUITE} main\n`);
  // apt with every path of its own: our sources, our lists, our cache. Signatures are checked against the
  // system's Debian archive keyring as usual.
  const apt = [
    '-o', `Dir::Etc::SourceList=${path.join(dir, 'sources.list')}`,
    '-o', 'Dir::Etc::SourceParts=/dev/null',
    '-o', `Dir::State::Lists=${path.join(dir, 'lists')}`,
    '-o', `Dir::Cache=${path.join(dir, 'cache')}`,
    '-o', 'APT::Sandbox::User=root',
  ];
  const logFile = path.join(dir, 'apt.log');
  const update = await run('apt-get', [...apt, 'update'], { logFile, timeoutMs: 300_000 });
  if (!ok(update)) throw new EngineError(`apt-get update for Debian ${DEBIAN_SUITE} failed:\n${tail(update)}`, `See ${logFile}; Debian's archive must be reachable.`);
  const download = await run('apt-get', [...apt, 'download', DEBIAN_PACKAGE], { logFile, timeoutMs: 300_000, cwd: path.join(dir, 'download') });
  const deb = fs.readdirSync(path.join(dir, 'download')).find((f) => f.endsWith('.deb'));
  if (!ok(download) || !deb) throw new EngineError(`apt-get download ${DEBIAN_PACKAGE} failed:\n${tail(download)}`, `See ${logFile}.`);
  const unpack = await run('dpkg-deb', ['-x', path.join(dir, 'download', deb), path.join(dir, 'root')], { logFile, timeoutMs: 120_000 });
  if (!ok(unpack)) throw new EngineError(`dpkg-deb -x ${deb} failed:\n${tail(unpack)}`, `See ${logFile}.`);
  // Only the program is kept: the package lists and the .deb are 20 MB we do not need again.
  for (const sub of ['lists', 'cache', 'download']) fs.rmSync(path.join(dir, sub), { recursive: true, force: true });
  const version = await composeVersion(program, [], engine.env);
  if (!version || !isV2(version)) throw new EngineError(`The unpacked ${program} does not answer as Compose v2 (${version ?? 'no answer'}).`, `See ${logFile}.`);
  log.step(`Docker Compose ${version} from ${deb} (unpacked, not installed)`);
  return { program, prefix: [], version };
}

async function composeVersion(program: string, prefix: readonly string[], env: NodeJS.ProcessEnv): Promise<string | undefined> {
  if (path.isAbsolute(program) && !fs.existsSync(program)) return undefined;
  const result = await run(program, [...prefix, 'version', '--short'], { env, timeoutMs: 15_000 });
  return ok(result) ? result.stdout.trim().replace(/^v/, '') : undefined;
}

/** "2.26.1-4" (Debian's), "v2.29.7" and "2.40.3" are v2; "1.29.2" is not. */
export function isV2(version: string): boolean {
  return /^v?2\.\d+/.test(version);
}

/** Arguments for the Dev Containers CLI: a program path, or nothing when the docker client's plugin is it. */
export function composeCliArgs(tool: Compose): string[] {
  return tool.prefix.length ? [] : ['--docker-compose-path', tool.program];
}
