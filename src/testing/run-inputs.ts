import { own, scalarText, setOwn } from '../jsonc';
import type { TemplateOptionSpec } from '../template-options';

/**
 * What a user hands `stagepack test` about their own app: option values (`--option name=value`), the app's
 * run-time environment (`--env NAME=VALUE`, `--env-file FILE`) and the paths the HTTP checks request
 * (`--check-path /api/items`). Pure parsing and validation; each problem is a sentence naming the input and,
 * where there is one, the line, for the command's exit-2 message.
 */

export type Parsed<T> = { ok: true; value: T } | { ok: false; problem: string; fix: string };

/**
 * `name=value`: the first `=` splits; the value may be empty or hold further `=`. For --env, a bare `NAME`
 * (value undefined) takes the variable from stagepack's own environment, as `docker run -e NAME` does.
 */
export function parseAssignment(text: string, what: 'option' | 'env'): Parsed<[string, string | undefined]> {
  const at = text.indexOf('=');
  const name = at < 0 ? text : text.slice(0, at);
  const pattern = what === 'option' ? /^\w+$/ : /^[A-Za-z_][A-Za-z0-9_]*$/;
  if (what === 'env' && at < 0 && pattern.test(name)) return { ok: true, value: [name, undefined] };
  if (at < 0 || !pattern.test(name)) {
    return what === 'option'
      ? { ok: false, problem: `--option ${text}: expected NAME=VALUE, NAME being a template option id (letters, digits, _)`, fix: 'write it as --option pythonVersion=3.12' }
      : { ok: false, problem: `--env ${text}: expected NAME=VALUE, NAME being an environment variable name ([A-Za-z_][A-Za-z0-9_]*)`, fix: 'write it as --env DATABASE_URL=postgresql://...' };
  }
  const value = text.slice(at + 1);
  if (what === 'env' && /[\n\r\0]/.test(value)) return { ok: false, problem: `--env ${name}: the value holds a line break or NUL, which an env file cannot carry`, fix: 'give the value on one line' };
  return { ok: true, value: [name, value] };
}

/**
 * An env file as `docker run --env-file` reads it: one `NAME=VALUE` per line, the value taken literally (no
 * quotes removed, no expansion), blank lines and lines starting with `#` ignored, a bare `NAME` taking the
 * variable from stagepack's own environment (and left out when it is not set there, as docker does).
 */
export function parseEnvFile(text: string, file: string, env: Readonly<Record<string, string | undefined>>): Parsed<Record<string, string>> {
  const vars: Record<string, string> = Object.create(null) as Record<string, string>;
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].replace(/^\s+/, '');
    if (line === '' || line.startsWith('#')) continue;
    const at = line.indexOf('=');
    const name = at < 0 ? line.trimEnd() : line.slice(0, at);
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
      return { ok: false, problem: `${file}:${i + 1}:1: "${name.slice(0, 60)}" is not an environment variable name`, fix: 'write one NAME=VALUE per line (docker run --env-file format); # starts a comment line' };
    }
    if (/\0/.test(line)) return { ok: false, problem: `${file}:${i + 1}:${line.indexOf('\0') + 1}: a NUL byte cannot be in an environment variable`, fix: 'remove it' };
    if (at >= 0) setOwn(vars, name, line.slice(at + 1));
    else if (own(env, name) !== undefined) setOwn(vars, name, own(env, name) as string);
  }
  return { ok: true, value: vars };
}

/** `--option`/`--env` pairs as an object (own keys, `__proto__` included); given twice, the last wins. */
export function assignments(pairs: readonly (readonly [string, string | undefined])[]): Record<string, string> {
  const record: Record<string, string> = {};
  for (const [name, value] of pairs) setOwn(record, name, value ?? '');
  return record;
}

/** A path the HTTP checks request: absolute, printable, no spaces, at most 2,000 characters. */
export function checkPathProblem(value: string): string | undefined {
  if (!value.startsWith('/')) return `${JSON.stringify(value)} does not start with /`;
  if (value.startsWith('//')) return `${JSON.stringify(value)} starts with //, which names another host`;
  if (value.length > 2000) return 'it is longer than 2,000 characters';
  if (/[\s\x00-\x1f\x7f#]/.test(value)) return `${JSON.stringify(value)} holds a space, a control character or a #`;
  return undefined;
}

/**
 * Option values given with --option, checked against a template's options: the name must be one of them and,
 * where the option has an `enum`, the value one of it (proposals are suggestions; any string goes).
 */
export function optionValueProblem(name: string, value: string, options: Readonly<Record<string, TemplateOptionSpec>>): string | undefined {
  if (!Object.prototype.hasOwnProperty.call(options, name)) {
    const names = Object.keys(options);
    return `it has no option "${name}"${names.length ? ` (its options: ${names.join(', ')})` : ' (it has no options)'}`;
  }
  const spec = options[name];
  if (spec.type === 'boolean' && value !== 'true' && value !== 'false') return `"${name}" is a boolean option: true or false, not ${JSON.stringify(value)}`;
  if (Array.isArray(spec.enum)) {
    const allowed = spec.enum.map((v) => scalarText(v));
    if (!allowed.includes(value)) return `"${name}" must be one of ${allowed.map((v) => JSON.stringify(v)).join(', ')}, not ${JSON.stringify(value)}`;
  }
  return undefined;
}
