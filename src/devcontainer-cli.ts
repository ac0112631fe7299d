import * as path from 'node:path';
import type { Docker } from './engine/docker';
import { run, type RunOptions, type RunResult } from './proc';

/**
 * The Dev Containers CLI (@devcontainers/cli), which we wrap and never reimplement. It runs on this Node,
 * from our pinned dependency, with the engine's docker client and environment (DOCKER_BUILDKIT=1: the CLI
 * falls back to `docker build` when buildx is missing and passes its environment through).
 */
const CLI = path.join(path.dirname(require.resolve('@devcontainers/cli/package.json')), 'devcontainer.js');

export function devcontainer(engine: Docker | undefined, args: readonly string[], options: RunOptions = {}): Promise<RunResult> {
  // Publishing and applying need no engine. `features test` has no --docker-path: a PATH whose first
  // docker is the engine's client does the job for it.
  const base = engine ? { ...engine.env, PATH: `${path.dirname(engine.client)}:${engine.env.PATH ?? ''}` } : process.env;
  const env = { ...base, ...options.env };
  return run(process.execPath, [CLI, ...args], { ...options, env });
}

/** The CLI prints its result as one JSON object on the last line of stdout (`up`, `build`). */
export function lastJsonLine(stdout: string): Record<string, unknown> | undefined {
  const lines = stdout.trim().split('\n').reverse();
  for (const line of lines) {
    if (!line.trim().startsWith('{')) continue;
    try {
      const value: unknown = JSON.parse(line);
      if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value as Record<string, unknown>;
    } catch {
      // not JSON: keep looking
    }
  }
  return undefined;
}
