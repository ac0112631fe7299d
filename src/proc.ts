import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import { StringDecoder } from 'node:string_decoder';

/**
 * The single adapter that starts other programs (Docker, the Dev Containers CLI, apt, mmdebstrap). Everything
 * that decides what to run is elsewhere and pure; this only runs it, captures output (optionally into a log
 * file, for the "see this log" line of a failure) and reports how it ended. It never throws for a non-zero
 * exit: callers decide what a failure means.
 */

export interface RunOptions {
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Appends stdout and stderr to this file as they arrive. */
  logFile?: string;
  /** Kills the process (SIGTERM, then SIGKILL after 5 s) after this many milliseconds. */
  timeoutMs?: number;
  input?: string;
  /**
   * Streams stdout into this writable (with backpressure: `docker save` of a large image is never held in
   * memory) instead of capturing it; `stdout` of the result is then empty.
   */
  stdoutTo?: NodeJS.WritableStream;
}

export interface RunResult {
  command: string;
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
  /** Could not start at all (ENOENT and the like). */
  spawnError?: string;
  durationMs: number;
}

export function ok(result: RunResult): boolean {
  return result.code === 0 && !result.spawnError && !result.timedOut;
}

/** The last lines of what a failed command printed, for a one-screen error message. */
export function tail(result: RunResult, lines = 15): string {
  const text = `${result.stdout}\n${result.stderr}`.trim();
  return text.split('\n').slice(-lines).join('\n');
}

/** Processes started by run() that are still alive; an interrupt handler stops them. */
const live = new Set<import('node:child_process').ChildProcess>();

export function stopLiveProcesses(): void {
  for (const child of live) child.kill('SIGTERM');
}

export function run(file: string, args: readonly string[], options: RunOptions = {}): Promise<RunResult> {
  const started = Date.now();
  const command = [file, ...args].join(' ');
  const log = options.logFile ? fs.openSync(options.logFile, 'a') : undefined;
  if (log !== undefined) fs.writeSync(log, `$ ${command}\n`);
  return new Promise((resolve) => {
    let stdout = '';
    let stderr = '';
    // One decoder per stream: a UTF-8 character split across two chunks is decoded whole.
    const decodeOut = new StringDecoder('utf8');
    const decodeErr = new StringDecoder('utf8');
    let timedOut = false;
    let settled = false;
    const child = spawn(file, [...args], { cwd: options.cwd, env: options.env ?? process.env, stdio: ['pipe', 'pipe', 'pipe'] });
    live.add(child);
    const finish = (result: Omit<RunResult, 'command' | 'stdout' | 'stderr' | 'timedOut' | 'durationMs'>) => {
      if (settled) return;
      settled = true;
      stdout += decodeOut.end();
      stderr += decodeErr.end();
      live.delete(child);
      clearTimeout(timer);
      if (log !== undefined) {
        fs.writeSync(log, `[exit ${result.code ?? result.signal ?? result.spawnError}]\n`);
        fs.closeSync(log);
      }
      resolve({ command, stdout, stderr, timedOut, durationMs: Date.now() - started, ...result });
    };
    const timer = options.timeoutMs
      ? setTimeout(() => {
          timedOut = true;
          child.kill('SIGTERM');
          setTimeout(() => child.kill('SIGKILL'), 5000).unref();
        }, options.timeoutMs)
      : undefined;
    if (options.stdoutTo) child.stdout.pipe(options.stdoutTo);
    else {
      child.stdout.on('data', (chunk: Buffer) => {
        stdout += decodeOut.write(chunk);
        if (log !== undefined) fs.writeSync(log, chunk);
      });
    }
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += decodeErr.write(chunk);
      if (log !== undefined) fs.writeSync(log, chunk);
    });
    child.on('error', (error) => finish({ code: null, signal: null, spawnError: error.message }));
    child.on('close', (code, signal) => finish({ code, signal }));
    child.stdin.on('error', () => undefined);
    child.stdin.end(options.input ?? '');
  });
}

/**
 * Starts a long-lived background program (dockerd, the registry) detached from this process, with its output
 * in a log file, and returns its pid. It outlives stagepack on purpose; callers record the pid to stop it.
 */
export function startDetached(file: string, args: readonly string[], logFile: string, env: NodeJS.ProcessEnv = process.env): number | undefined {
  const out = fs.openSync(logFile, 'a');
  const child = spawn(file, [...args], { detached: true, stdio: ['ignore', out, out], env });
  child.unref();
  fs.closeSync(out);
  return child.pid;
}
