import * as path from 'node:path';
import { devcontainerCli } from '../devcontainer-cli';
import { run, type RunOptions, type RunResult } from '../proc';
import type { Compose } from './compose-program';

/**
 * The one seam between stagepack and the container engine: every docker, compose and Dev Containers CLI
 * call of `stagepack test` goes through an Engine. The real one (dockerEngine) runs the programs; unit
 * tests hand the steps a fake that answers from a script, so every decision is tested without Docker.
 */
export interface Engine {
  /** Absolute path of the docker client (also handed to the Dev Containers CLI as --docker-path). */
  readonly client: string;
  readonly serverVersion: string;
  /** Environment of every docker, compose and devcontainer invocation (DOCKER_BUILDKIT=1). */
  readonly env: NodeJS.ProcessEnv;
  /** True when stagepack started dockerd itself, in this or an earlier run. */
  readonly startedByUs: boolean;
  docker(args: readonly string[], options?: RunOptions): Promise<RunResult>;
  compose(tool: Compose, args: readonly string[], options?: RunOptions): Promise<RunResult>;
  /**
   * The Dev Containers CLI with this engine's client first on PATH (`features test` has no --docker-path)
   * and its environment.
   */
  devcontainer(args: readonly string[], options?: RunOptions): Promise<RunResult>;
}

export interface DockerDescriptor {
  client: string;
  serverVersion: string;
  env: NodeJS.ProcessEnv;
  startedByUs: boolean;
}

export function dockerEngine(descriptor: DockerDescriptor): Engine {
  const withEnv = (options: RunOptions): RunOptions => ({ ...options, env: { ...descriptor.env, ...options.env } });
  return {
    ...descriptor,
    docker: (args, options = {}) => run(descriptor.client, args, withEnv(options)),
    compose: (tool, args, options = {}) => run(tool.program, [...tool.prefix, ...args], withEnv(options)),
    devcontainer: (args, options = {}) =>
      devcontainerCli(args, {
        ...options,
        env: { ...descriptor.env, PATH: `${path.dirname(descriptor.client)}:${descriptor.env.PATH ?? ''}`, ...options.env },
      }),
  };
}
