import * as fs from 'node:fs';
import * as path from 'node:path';
import { ok, tail } from '../proc';
import { run } from '../proc';
import { aptInstall, docker, type Docker } from './docker';
import { EngineError, type EngineLog } from './log';
import { stateDir } from './state';

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

export interface StandInSpec {
  image: string;
  release: string;
  python: string;
  variant: 'slim' | 'full';
}

/** Recognises `python:3.11-slim-bookworm`, `python:3.11-bookworm` (and `docker.io/library/` forms). */
export function standInSpec(image: string): StandInSpec | { unsupported: string } | undefined {
  const match = /^(?:docker\.io\/)?(?:library\/)?python:(\d+\.\d+)(?:\.\d+)?-(slim-)?([a-z]+)$/.exec(image);
  if (!match) return undefined;
  const [, python, slim, release] = match;
  const shipped = DEBIAN_PYTHON[release];
  if (!shipped) return { unsupported: `Debian "${release}" is not a release stagepack can bootstrap (known: ${Object.keys(DEBIAN_PYTHON).join(', ')})` };
  if (shipped !== python) return { unsupported: `Debian ${release} ships Python ${shipped}, not ${python}, so no stand-in for ${image} can be built here` };
  return { image, release, python, variant: slim ? 'slim' : 'full' };
}

/** Debian packages of a stand-in. The full variant adds what the official non-slim image is for: compilers and headers. */
export function standInPackages(spec: StandInSpec): string[] {
  // libpython: the official images build Python with --enable-shared, so programs that embed it (uwsgi)
  // find libpython3.X.so.1.0 in the slim runtime; Debian's python3 does not pull it in by itself.
  // pip, as in the official images (`pip install` straight into the image's Python works there).
  const slim = ['python3', 'python3-venv', 'python3-pip', 'python-is-python3', `libpython${spec.python}`, 'ca-certificates', 'netbase', 'tzdata'];
  return spec.variant === 'slim' ? slim : [...slim, 'python3-dev', 'build-essential', 'git', 'curl', 'libpq-dev', 'pkg-config'];
}

/** A base image that cannot be pulled and cannot be stood in for here: what needs it is skipped, not failed. */
export class BaseImageUnavailable extends EngineError {
  constructor(message: string, hint: string) {
    super(message, hint);
    this.name = 'BaseImageUnavailable';
  }
}

export async function ensureBaseImages(engine: Docker, log: EngineLog, images: readonly string[]): Promise<void> {
  for (const image of images) {
    const present = await docker(engine, ['image', 'inspect', '--format', `{{.Id}} {{index .Config.Labels "${STAND_IN_LABEL}"}} {{index .Config.Labels "${STAND_IN_PACKAGES_LABEL}"}}`, image], { timeoutMs: 30_000 });
    if (ok(present)) {
      const [id, standIn, packages] = present.stdout.trim().split(' ');
      const spec = standInSpec(image);
      const outdated = standIn === 'true' && spec && !('unsupported' in spec) && packages !== standInPackages(spec).join(',');
      if (!outdated) continue;
      log.step(`The stand-in ${image} was built from another package list; rebuilding it`);
      await buildStandIn(engine, log, spec);
      // The old stand-in (ours, by its id) lost its tag to the new one: remove it rather than leave it dangling.
      await docker(engine, ['rmi', id], { timeoutMs: 60_000 });
      continue;
    }
    log.step(`Pulling ${image}`);
    const pull = await docker(engine, ['pull', image], { timeoutMs: 600_000 });
    if (ok(pull)) continue;
    const spec = standInSpec(image);
    if (!spec) {
      throw new EngineError(`${image} is not available and cannot be pulled: ${tail(pull, 2)}`, `Load it by hand (docker load) or make its registry reachable.`);
    }
    if ('unsupported' in spec) throw new BaseImageUnavailable(`${image} cannot be pulled and ${spec.unsupported}.`, 'Use a Python version that the image\'s Debian release ships, or make Docker Hub reachable.');
    await buildStandIn(engine, log, spec);
  }
}

async function buildStandIn(engine: Docker, log: EngineLog, spec: StandInSpec): Promise<void> {
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
      // The official images' Python is not Debian's and carries no PEP 668 marker: pip may install into it.
      '--customize-hook=rm -f "$1"/usr/lib/python3*/EXTERNALLY-MANAGED',
      spec.release,
      tarball,
      `deb ${mirror} ${spec.release} main`,
      `deb ${mirror} ${spec.release}-updates main`,
      `deb http://deb.debian.org/debian-security ${spec.release}-security main`,
    ],
    { logFile, timeoutMs: 900_000 },
  );
  if (!ok(result)) throw new EngineError(`mmdebstrap failed for ${spec.image}:\n${tail(result)}`, `See ${logFile}; Debian's archive must be reachable.`);
  const description = `stagepack stand-in for ${spec.image}: Debian ${spec.release} with Debian's Python ${spec.python}; not the official image`;
  const imported = await docker(engine, [
    'import',
    // docker import sets no environment at all; without PATH, `ENV PATH=/opt/venv/bin:$PATH` would drop it.
    '--change', 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
    '--change', 'ENV LANG=C.UTF-8',
    '--change', `ENV PYTHON_VERSION=${spec.python}`,
    '--change', `LABEL ${STAND_IN_LABEL}=true`,
    '--change', `LABEL ${STAND_IN_PACKAGES_LABEL}=${standInPackages(spec).join(',')}`,
    '--change', `LABEL org.opencontainers.image.description="${description}"`,
    '--change', 'CMD ["python3"]',
    tarball,
    spec.image,
  ], { timeoutMs: 300_000 });
  fs.rmSync(tarball, { force: true });
  if (!ok(imported)) throw new EngineError(`docker import failed for ${spec.image}:\n${tail(imported)}`, 'Check the Docker engine\'s disk space and log.');
  log.step(`Tagged the stand-in as ${spec.image} (label ${STAND_IN_LABEL}=true)`);
}

export async function isStandIn(engine: Docker, image: string): Promise<boolean> {
  const result = await docker(engine, ['image', 'inspect', '--format', `{{index .Config.Labels "${STAND_IN_LABEL}"}}`, image], { timeoutMs: 30_000 });
  return ok(result) && result.stdout.trim() === 'true';
}
