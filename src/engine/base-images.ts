import * as fs from 'node:fs';
import * as path from 'node:path';
import { ok, tail } from '../proc';
import { run } from '../proc';
import { aptInstall } from './docker';
import type { Engine } from './engine';
import { EngineError, type EngineLog } from './log';
import { stateDir } from './state';
import { PACKAGE_ROOT } from '../version';

/**
 * Base images the templates' FROM lines name. The official `python` images are used when present or
 * pullable. Where Docker Hub is out of reach, we build a stand-in from Debian's packages with mmdebstrap
 * and tag it with the official name, so the Dockerfiles resolve unchanged.
 *
 * A stand-in is NOT the official image: Debian's Python at /usr/bin/python3 (python-is-python3 adds
 * `python`), in one layer. Like the official images it has pip and no PEP 668 "externally managed" marker. It carries the label
 * `org.stagepack.stand-in=true` and a description; sizes measured on it are not official sizes.
 */

export const STAND_IN_LABEL = 'org.stagepack.stand-in';
/** The Debian packages a stand-in was built with: a stand-in built from an older list is rebuilt. */
export const STAND_IN_PACKAGES_LABEL = 'org.stagepack.stand-in.packages';

/** Python that each Debian release ships: a stand-in can only be the version its release has. */
export const DEBIAN_PYTHON: Readonly<Record<string, string>> = { bookworm: '3.11', trixie: '3.13' };
/** PostgreSQL major version that each Debian release ships. */
export const DEBIAN_POSTGRES: Readonly<Record<string, string>> = { bookworm: '15', trixie: '17' };

export type StandInSpec =
  | { kind: 'python'; image: string; release: string; python: string; variant: 'slim' | 'full' }
  | { kind: 'postgres'; image: string; release: string; postgres: string };

/**
 * Recognises `python:3.11-slim-bookworm`, `python:3.11-bookworm` and `postgres:15-bookworm` (and their
 * `docker.io/library/` forms): the images a stand-in can be built for.
 */
export function standInSpec(image: string): StandInSpec | { unsupported: string } | undefined {
  const python = /^(?:docker\.io\/)?(?:library\/)?python:(\d+\.\d+)(?:\.\d+)?-(slim-)?([a-z]+)$/.exec(image);
  const postgres = /^(?:docker\.io\/)?(?:library\/)?postgres:(\d+)(?:\.\d+)?-([a-z]+)$/.exec(image);
  const [version, release, shipped] = python ? [python[1], python[3], DEBIAN_PYTHON[python[3]]] : postgres ? [postgres[1], postgres[2], DEBIAN_POSTGRES[postgres[2]]] : [];
  if (!version || !release) return undefined;
  const what = python ? 'Python' : 'PostgreSQL';
  if (!shipped) return { unsupported: `Debian "${release}" is not a release stagepack can bootstrap (known: ${Object.keys(DEBIAN_PYTHON).join(', ')})` };
  if (shipped !== version) return { unsupported: `Debian ${release} ships ${what} ${shipped}, not ${version}, so no stand-in for ${image} can be built here` };
  return python ? { kind: 'python', image, release, python: version, variant: python[2] ? 'slim' : 'full' } : { kind: 'postgres', image, release, postgres: version };
}

/**
 * Debian packages of a stand-in. The full Python variant adds what the official non-slim image is for:
 * compilers and headers. The PostgreSQL one is the server, whose package brings its client programs.
 */
export function standInPackages(spec: StandInSpec): string[] {
  if (spec.kind === 'postgres') return [`postgresql-${spec.postgres}`, 'tzdata'];
  // libpython: the official images build Python with --enable-shared, so programs that embed it (uwsgi)
  // find libpython3.X.so.1.0 in the slim runtime; Debian's python3 does not pull it in by itself.
  // pip, as in the official images (`pip install` straight into the image's Python works there).
  const slim = ['python3', 'python3-venv', 'python3-pip', 'python-is-python3', `libpython${spec.python}`, 'ca-certificates', 'netbase', 'tzdata'];
  return spec.variant === 'slim' ? slim : [...slim, 'python3-dev', 'build-essential', 'git', 'curl', 'libpq-dev', 'pkg-config'];
}

/**
 * What `docker import` sets on a stand-in besides its labels: the environment, the command, and for
 * PostgreSQL the official image's contract (PGDATA as a volume, port 5432, an entrypoint that honours
 * POSTGRES_USER, POSTGRES_PASSWORD and POSTGRES_DB; see postgres-entrypoint.sh).
 */
export function standInChanges(spec: StandInSpec): string[] {
  // docker import sets no environment at all; without PATH, `ENV PATH=/opt/venv/bin:$PATH` would drop it.
  const path = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';
  if (spec.kind === 'postgres') {
    return [
      `ENV PATH=/usr/lib/postgresql/${spec.postgres}/bin:${path}`,
      'ENV LANG=C.UTF-8',
      'ENV PGDATA=/var/lib/postgresql/data',
      'VOLUME /var/lib/postgresql/data',
      'EXPOSE 5432',
      `ENTRYPOINT ["${POSTGRES_ENTRYPOINT}"]`,
      'CMD ["postgres"]',
    ];
  }
  return [`ENV PATH=${path}`, 'ENV LANG=C.UTF-8', `ENV PYTHON_VERSION=${spec.python}`, 'CMD ["python3"]'];
}

const POSTGRES_ENTRYPOINT = '/usr/local/bin/docker-entrypoint.sh';

/** A base image that cannot be pulled and cannot be stood in for here: what needs it is skipped, not failed. */
export class BaseImageUnavailable extends EngineError {
  constructor(message: string, hint: string) {
    super(message, hint);
    this.name = 'BaseImageUnavailable';
  }
}

/**
 * Images being made available right now, by name: runs going on at the same time (`stagepack test --jobs`)
 * that need the same image wait for the one pull or stand-in build instead of starting their own.
 */
const inFlight = new Map<string, Promise<void>>();

export async function ensureBaseImages(engine: Engine, log: EngineLog, images: readonly string[]): Promise<void> {
  for (const image of images) {
    let pending = inFlight.get(image);
    if (!pending) {
      pending = ensureBaseImage(engine, log, image).finally(() => inFlight.delete(image));
      inFlight.set(image, pending);
    }
    await pending;
  }
}

async function ensureBaseImage(engine: Engine, log: EngineLog, image: string): Promise<void> {
  const present = await engine.docker(['image', 'inspect', '--format', `{{.Id}} {{index .Config.Labels "${STAND_IN_LABEL}"}} {{index .Config.Labels "${STAND_IN_PACKAGES_LABEL}"}}`, image], { timeoutMs: 30_000 });
  if (ok(present)) {
    const [id, standIn, packages] = present.stdout.trim().split(' ');
    const spec = standInSpec(image);
    const outdated = standIn === 'true' && spec && !('unsupported' in spec) && packages !== standInPackages(spec).join(',');
    if (!outdated) return;
    log.step(`The stand-in ${image} was built from another package list; rebuilding it`);
    await buildStandIn(engine, log, spec);
    // The old stand-in (ours, by its id) lost its tag to the new one: remove it rather than leave it dangling.
    await engine.docker(['rmi', id], { timeoutMs: 60_000 });
    return;
  }
  log.step(`Pulling ${image}`);
  const pull = await engine.docker(['pull', image], { timeoutMs: 600_000 });
  if (ok(pull)) return;
  const spec = standInSpec(image);
  if (!spec) {
    throw new EngineError(`${image} is not available and cannot be pulled: ${tail(pull, 2)}`, `Load it by hand (docker load) or make its registry reachable.`);
  }
  if ('unsupported' in spec) throw new BaseImageUnavailable(`${image} cannot be pulled and ${spec.unsupported}.`, 'Use a version that the image\'s Debian release ships, or make Docker Hub reachable.');
  await buildStandIn(engine, log, spec);
}

async function buildStandIn(engine: Engine, log: EngineLog, spec: StandInSpec): Promise<void> {
  if (!fs.existsSync('/usr/bin/mmdebstrap')) {
    if (process.getuid?.() !== 0) throw new EngineError(`Building a stand-in for ${spec.image} needs mmdebstrap.`, 'Install Debian\'s mmdebstrap package or run as root.');
    await aptInstall(log, ['mmdebstrap']);
  }
  const dir = path.join(stateDir(), 'stand-ins');
  fs.mkdirSync(dir, { recursive: true });
  const tarball = path.join(dir, `${spec.image.replace(/[^\w.-]+/g, '_')}.tar`);
  const logFile = path.join(dir, `${path.basename(tarball, '.tar')}.log`);
  log.step(`Docker Hub is unreachable: building a stand-in for ${spec.image} from Debian ${spec.release} packages (mmdebstrap, about 30 s; log ${logFile})`);
  const mirror = 'http://deb.debian.org/debian';
  const result = await run(
    'mmdebstrap',
    [
      '--variant=minbase',
      `--include=${standInPackages(spec).join(',')}`,
      // Like the official slim images: no documentation or man pages.
      '--dpkgopt=path-exclude=/usr/share/doc/*',
      '--dpkgopt=path-include=/usr/share/doc/*/copyright',
      '--dpkgopt=path-exclude=/usr/share/man/*',
      '--dpkgopt=path-exclude=/usr/share/locale/*',
      '--customize-hook=rm -rf "$1"/var/lib/apt/lists/* "$1"/var/cache/apt/*.bin',
      ...standInHooks(spec),
      spec.release,
      tarball,
      `deb ${mirror} ${spec.release} main`,
      `deb ${mirror} ${spec.release}-updates main`,
      `deb http://deb.debian.org/debian-security ${spec.release}-security main`,
    ],
    { logFile, timeoutMs: 900_000 },
  );
  if (!ok(result)) throw new EngineError(`mmdebstrap failed for ${spec.image}:\n${tail(result)}`, `See ${logFile}; Debian's archive must be reachable.`);
  const description = `stagepack stand-in for ${spec.image}: Debian ${spec.release} with Debian's ${spec.kind === 'python' ? `Python ${spec.python}` : `PostgreSQL ${spec.postgres}`}; not the official image`;
  const imported = await engine.docker([
    'import',
    ...standInChanges(spec).flatMap((change) => ['--change', change]),
    '--change', `LABEL ${STAND_IN_LABEL}=true`,
    '--change', `LABEL ${STAND_IN_PACKAGES_LABEL}=${standInPackages(spec).join(',')}`,
    '--change', `LABEL org.opencontainers.image.description="${description}"`,
    tarball,
    ...(spec.kind === 'python' ? [spec.image] : []),
  ], { timeoutMs: 300_000 });
  fs.rmSync(tarball, { force: true });
  if (!ok(imported)) throw new EngineError(`docker import failed for ${spec.image}:\n${tail(imported)}`, 'Check the Docker engine\'s disk space and log.');
  if (spec.kind === 'postgres') {
    // `docker import` cannot set STOPSIGNAL. The official image stops on SIGINT (PostgreSQL's "fast"
    // shutdown: SIGTERM's "smart" one waits for every client, so docker stop would kill it after 10 s).
    // One config-only step on the imported image (no layer) adds it; the classic builder accepts an id in FROM.
    const stopSignal = await engine.docker(['build', '--quiet', '--tag', spec.image, '-'], {
      input: `FROM ${imported.stdout.trim()}\nSTOPSIGNAL SIGINT\n`,
      env: { DOCKER_BUILDKIT: '0' },
      timeoutMs: 120_000,
    });
    if (!ok(stopSignal)) throw new EngineError(`Could not set STOPSIGNAL on the stand-in for ${spec.image}:\n${tail(stopSignal)}`, 'Check the Docker engine\'s log.');
  }
  log.step(`Tagged the stand-in as ${spec.image} (label ${STAND_IN_LABEL}=true)`);
}

/** mmdebstrap hooks that make a Debian root file system behave like the image it stands in for. */
function standInHooks(spec: StandInSpec): string[] {
  if (spec.kind === 'python') {
    // The official images' Python is not Debian's and carries no PEP 668 marker: pip may install into it.
    return ['--customize-hook=rm -f "$1"/usr/lib/python3*/EXTERNALLY-MANAGED'];
  }
  return [
    // Debian's package creates a cluster (15/main) on install; the entrypoint makes its own in PGDATA.
    `--customize-hook=rm -rf "$1"/var/lib/postgresql/${spec.postgres} "$1"/etc/postgresql/${spec.postgres}`,
    `--customize-hook=copy-in ${path.join(PACKAGE_ROOT, 'src', 'engine', 'postgres-entrypoint.sh')} /usr/local/bin`,
    `--customize-hook=mv "$1"/usr/local/bin/postgres-entrypoint.sh "$1"${POSTGRES_ENTRYPOINT} && chmod 755 "$1"${POSTGRES_ENTRYPOINT}`,
  ];
}

export async function isStandIn(engine: Engine, image: string): Promise<boolean> {
  const result = await engine.docker(['image', 'inspect', '--format', `{{index .Config.Labels "${STAND_IN_LABEL}"}}`, image], { timeoutMs: 30_000 });
  return ok(result) && result.stdout.trim() === 'true';
}
