import * as path from 'node:path';
import { run, type RunOptions, type RunResult } from './proc';

/**
 * The Dev Containers CLI (@devcontainers/cli), which we wrap and never reimplement. It runs on this Node,
 * from our pinned dependency. Commands that need the engine call it through Engine.devcontainer (the
 * engine's client and environment: DOCKER_BUILDKIT=1, because the CLI falls back to `docker build` when
 * buildx is missing and passes its environment through); publishing needs no engine and calls it directly.
 */
const CLI = path.join(path.dirname(require.resolve('@devcontainers/cli/package.json')), 'devcontainer.js');

export function devcontainerCli(args: readonly string[], options: RunOptions = {}): Promise<RunResult> {
  return run(process.execPath, [CLI, ...args], { ...options, env: { ...process.env, ...options.env } });
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
