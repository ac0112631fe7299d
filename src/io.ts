/** Where commands write. Tests pass buffers; the CLI passes the process streams. */
export interface Io {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** Colour output: a TTY without NO_COLOR. */
  color: boolean;
  cwd: string;
  env: NodeJS.ProcessEnv;
}

export const EXIT = { ok: 0, problems: 1, usage: 2 } as const;
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

export function processIo(): Io {
  return {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    color: Boolean(process.stdout.isTTY) && !('NO_COLOR' in process.env),
    cwd: process.cwd(),
    env: process.env,
  };
}

export function bufferIo(cwd: string, env: NodeJS.ProcessEnv = {}): Io & { out: () => string; err: () => string } {
  let out = '';
  let err = '';
  return {
    stdout: (text) => { out += text; },
    stderr: (text) => { err += text; },
    color: false,
    cwd,
    env,
    out: () => out,
    err: () => err,
  };
}
