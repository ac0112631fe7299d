import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/**
 * Where stagepack keeps what outlives one command: logs of dockerd and the registry, the default registry's
 * storage, stand-in base image tarballs. STAGEPACK_STATE_DIR overrides it.
 */
export function stateDir(): string {
  const dir =
    process.env.STAGEPACK_STATE_DIR ??
    path.join(process.env.XDG_STATE_HOME ?? path.join(os.homedir(), '.local', 'state'), 'stagepack');
  fs.mkdirSync(dir, { recursive: true });
  return dir;
}
