import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseCompose, type ComposeService } from '../compose-file';
import type { Compose } from '../engine/compose-program';
import type { Engine } from '../engine/engine';
import { EngineError } from '../engine/log';
import type { PackageIndex } from '../engine/package-index';
import type { RunLedger } from './run-ledger';
import { StepFailure } from './steps';

/** A dev container that is a compose service: the project this run gives it and how to reach compose. */
export interface ComposedProject {
  tool: Compose;
  /** COMPOSE_PROJECT_NAME: unique to this run, so compose's project label marks only what this run made. */
  name: string;
  /** The compose files devcontainer.json names, absolute, in order. */
  files: string[];
  /** Their services, a later file's definition of a service replacing an earlier one's. */
  services: (ComposeService & { build?: ComposeService['build'] & { contextDir: string } })[];
  devService: string;
  /** For the CLI and compose: the project name and, when the index is local, its pip.conf on the bridge. */
  env: Record<string, string>;
}

/** Compose v2, or the step fails with the fix (an EngineError is the machine's, not the template's). */
export async function composeTool(ask: () => Promise<Compose>): Promise<Compose> {
  try {
    return await ask();
  } catch (error) {
    if (error instanceof EngineError) throw new StepFailure(`${error.message}\nfix: ${error.hint}`);
    throw error;
  }
}

export function readComposedProject(workspace: string, config: Record<string, unknown>, tool: Compose, index: Pick<PackageIndex, 'bridgePipConf'>): ComposedProject {
  const configDir = path.join(workspace, '.devcontainer');
  const named = config.dockerComposeFile;
  const files = (Array.isArray(named) ? named : [named]).map((f) => path.resolve(configDir, String(f)));
  const services = new Map<string, ComposedProject['services'][number]>();
  for (const file of files) {
    if (!fs.existsSync(file)) throw new StepFailure(`the compose file ${file} named by devcontainer.json does not exist`);
    const model = parseCompose(fs.readFileSync(file, 'utf8'));
    if (model.errors.length) throw new StepFailure(`${file}:${model.errors[0].position.line}:${model.errors[0].position.column}: ${model.errors[0].message}`);
    for (const service of model.services) {
      services.set(service.name, { ...service, build: service.build && { ...service.build, contextDir: path.resolve(path.dirname(file), service.build.context) } });
    }
  }
  const name = `stagepack-${randomBytes(6).toString('hex')}`;
  return {
    tool,
    name,
    files,
    services: [...services.values()],
    devService: typeof config.service === 'string' ? config.service : '',
    env: { COMPOSE_PROJECT_NAME: name, ...(index.bridgePipConf ? { PIP_CONFIG_FILE: index.bridgePipConf } : {}) },
  };
}

/**
 * Records, by id, every container, network, volume and image carrying this run's compose project label:
 * the project name is this run's own, so the label matches nothing else.
 */
export async function recordComposeProject(engine: Engine, project: string, ledger: RunLedger): Promise<void> {
  const filter = ['--filter', `label=com.docker.compose.project=${project}`];
  const ids = async (args: string[]) => (await engine.docker([...args, ...filter])).stdout.split('\n').map((l) => l.trim()).filter(Boolean);
  ledger.record('container', ...(await ids(['ps', '--all', '--quiet', '--no-trunc'])));
  ledger.record('network', ...(await ids(['network', 'ls', '--quiet', '--no-trunc'])));
  ledger.record('volume', ...(await ids(['volume', 'ls', '--quiet'])));
  ledger.record('image', ...(await ids(['images', '--quiet', '--no-trunc'])));
  // And their names (<project>-<service>), which the ledger removes before the ids.
  ledger.record('image', ...(await ids(['images', '--format', '{{.Repository}}:{{.Tag}}'])).filter((name) => !name.includes('<none>')));
}
