import { ensureBaseImages } from './base-images';
import { ensureDocker, type Docker } from './docker';
import type { EngineLog } from './log';
import { ensurePackageIndex, type PackageIndex } from './package-index';

/**
 * The one entry point `test`, `publish` and the test suite use to make the engine reachable: a Docker engine
 * with BuildKit, base images for the given Dockerfiles' FROM lines, and a package index. (Registries are
 * asked for separately: `publish` wants the persistent default one, tests a temporary one.) On a machine
 * with Docker and the internet, every step finds what it needs and does nothing.
 */
export interface Engine {
  docker: Docker;
  index: PackageIndex;
  close(): Promise<void>;
}

export async function ensureEngine(log: EngineLog, options: { baseImages: readonly string[]; workDir: string }): Promise<Engine> {
  const docker = await ensureDocker(log);
  await ensureBaseImages(docker, log, options.baseImages);
  const index = await ensurePackageIndex(log, options.workDir);
  return { docker, index, close: () => index.close() };
}

export { ensureDocker } from './docker';
export { EngineError, engineLog, type EngineLog } from './log';
