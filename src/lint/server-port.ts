import type { Stage } from '../dockerfile';
import { own, setOwn } from '../jsonc';
import { commandWords, effective, instructionsOf } from './dockerfile-facts';

/**
 * The port the app's server listens on, read from its command line and environment the way the common
 * Python servers read them. Undefined when the server is not one we know or the command is indirect (a
 * shell script): then no rule guesses.
 */
export interface ServerListen {
  server: string;
  port?: string;
  /** The server binds only to loopback, so nothing outside the container can reach it. */
  loopbackOnly: boolean;
}

/** ENV and ARG defaults along a chain of stages, `${VAR}` expanded as Docker does. */
export function environment(stages: readonly Stage[]): Record<string, string> {
  const env: Record<string, string> = {};
  for (const instruction of instructionsOf(stages)) {
    const keyword = instruction.keyword;
    if (keyword !== 'ENV' && keyword !== 'ARG') continue;
    for (const p of instruction.properties) {
      if (p.value !== undefined && (keyword === 'ENV' || own(env, p.name) === undefined)) setOwn(env, p.name, expand(p.value, env));
    }
  }
  return env;
}

export function expand(text: string, env: Readonly<Record<string, string>>): string {
  if (!text.includes('$')) return text;
  return text.replace(/\$\{(\w+)(?::-([^}]*))?}|\$(\w+)/g, (whole, braced?: string, fallback?: string, bare?: string) => own(env, braced ?? bare ?? '') ?? fallback ?? whole);
}

function option(words: readonly string[], names: readonly string[]): string | undefined {
  for (let i = 0; i < words.length; i++) {
    for (const name of names) {
      if (words[i] === name) return words[i + 1];
      if (words[i].startsWith(`${name}=`)) return words[i].slice(name.length + 1);
    }
  }
  return undefined;
}

function splitAddress(address: string): { host: string; port?: string } {
  if (address.startsWith('unix:')) return { host: 'unix' };
  const match = /^(.*):(\d+|\$\{?\w+}?)$/.exec(address);
  return match ? { host: match[1], port: match[2] } : { host: address };
}

const LOOPBACK = /^(127\.0\.0\.1|localhost|\[::1\])$/;

export function serverListen(chain: readonly Stage[], env: Readonly<Record<string, string>> = environment(chain)): ServerListen | undefined {
  const entrypoint = effective(chain, 'ENTRYPOINT');
  const cmd = effective(chain, 'CMD');
  const words = [...(entrypoint ? commandWords(entrypoint) : []), ...(cmd ? commandWords(cmd) : [])].map((w) => expand(w, env));
  const program = (name: string) => words.some((w) => w === name || w.endsWith(`/${name}`));

  if (program('gunicorn')) {
    const extra = (env.GUNICORN_CMD_ARGS ?? '').split(/\s+/);
    const bind = option(words, ['--bind', '-b']) ?? option(extra, ['--bind', '-b']);
    if (bind) {
      const { host, port } = splitAddress(bind);
      return { server: 'gunicorn', port, loopbackOnly: LOOPBACK.test(host) };
    }
    // gunicorn's default bind: 0.0.0.0:$PORT when PORT is set, else 127.0.0.1:8000.
    return env.PORT ? { server: 'gunicorn', port: env.PORT, loopbackOnly: false } : { server: 'gunicorn', port: '8000', loopbackOnly: true };
  }
  if (program('uvicorn')) {
    const host = option(words, ['--host']) ?? env.UVICORN_HOST ?? '127.0.0.1';
    return { server: 'uvicorn', port: option(words, ['--port']) ?? env.UVICORN_PORT ?? '8000', loopbackOnly: LOOPBACK.test(host) };
  }
  if (program('uwsgi')) {
    const http = option(words, ['--http', '--http-socket']) ?? env.UWSGI_HTTP ?? env.UWSGI_HTTP_SOCKET;
    if (!http) return undefined;
    const { host, port } = splitAddress(http);
    return { server: 'uwsgi', port, loopbackOnly: LOOPBACK.test(host) };
  }
  if (program('streamlit')) {
    const host = option(words, ['--server.address']) ?? env.STREAMLIT_SERVER_ADDRESS ?? '0.0.0.0';
    return { server: 'streamlit', port: option(words, ['--server.port']) ?? env.STREAMLIT_SERVER_PORT ?? '8501', loopbackOnly: LOOPBACK.test(host) };
  }
  return undefined;
}
