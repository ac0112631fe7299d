import { getPath, isRecord, parseJsonc, positionOf, setOwn, valuePositionOf } from '../jsonc';
import type { Position } from '../diagnostics';
import type { HttpAnswer, Verdict } from './checks';
import { httpChain } from './checks';
import { checkPathProblem } from './run-inputs';

/**
 * Checks an app team declares without writing shell, in the spirit of container-structure-test, run by
 * `stagepack test` against the running app container beside the built-in checks and reported with their own
 * ids (`check:<id>`). Two files, both optional, both in the applied project's `.devcontainer/`:
 *
 *   stagepack-checks.json   the template's own (it ships with the template; an upgrade replaces it)
 *   project-checks.json     the project's (no template writes it); a check with a template check's id
 *                           replaces that one, e.g. to tighten it or to skip it with a reason
 *
 *     {
 *       "checks": [
 *         { "id": "deploy-settings", "command": ["python", "manage.py", "check", "--deploy"],
 *           "exitCode": 0, "outputExcludes": ["security\\.W018"], "fix": "set DEBUG=False in production" },
 *         { "id": "no-dev-database", "file": "/app/db.sqlite3", "exists": false },
 *         { "id": "note-write", "http": "/api/notes", "method": "POST", "json": {"text": "{{nonce}}"}, "status": 201 },
 *         { "id": "note-read", "http": "/api/notes", "bodyMatches": ["{{nonce}}"] }
 *       ]
 *     }
 *
 * `{{nonce}}` in a path, body or expected pattern is one random word per run, so a read proves this run's
 * write and not a row left from an earlier one. Checks run in the order written.
 */

export const TEMPLATE_CHECKS_FILE = '.devcontainer/stagepack-checks.json';
export const PROJECT_CHECKS_FILE = '.devcontainer/project-checks.json';
export const NONCE = '{{nonce}}';

interface CheckBase {
  id: string;
  title?: string;
  /** What to do when it fails; a default is given per kind. */
  fix?: string;
  /** Set: the check is reported as skipped with this reason (a project's way to switch off a template's check). */
  skip?: string;
  /** The file (relative to the workspace) that declared it. */
  source: string;
}

export interface CommandCheck extends CheckBase {
  kind: 'command';
  command: string[];
  exitCode: number;
  outputMatches: string[];
  outputExcludes: string[];
  timeoutSeconds: number;
}

export interface FileCheck extends CheckBase {
  kind: 'file';
  path: string;
  exists: boolean;
}

export interface HttpCheck extends CheckBase {
  kind: 'http';
  path: string;
  method: string;
  headers: Record<string, string>;
  /** The request body as sent (a `json` value is serialised, with its content type). */
  body?: string;
  /** An exact status; undefined: any 2xx. */
  status?: number;
  /** Follow redirects within the app to their end (GET and HEAD only); the status is checked there. */
  followRedirects: boolean;
  bodyMatches: string[];
  bodyExcludes: string[];
}

export type DeclaredCheck = CommandCheck | FileCheck | HttpCheck;

/** A checks file that cannot be used: where (file:line:column), what, and the fix. */
export class ChecksFileError extends Error {
  constructor(
    readonly file: string,
    readonly position: Position,
    readonly problem: string,
    readonly fix: string,
  ) {
    super(`${file}:${position.line}:${position.column}: ${problem}`);
  }
}

const ID = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'];
const COMMON_KEYS = ['id', 'title', 'fix', 'skip'];
const KIND_KEYS: Record<DeclaredCheck['kind'], string[]> = {
  command: ['command', 'exitCode', 'outputMatches', 'outputExcludes', 'timeoutSeconds'],
  file: ['file', 'exists'],
  http: ['http', 'method', 'headers', 'body', 'json', 'status', 'followRedirects', 'bodyMatches', 'bodyExcludes'],
};
const FORM_FIX = 'write each check as {"id": "...", "command": [...]}, {"id": "...", "file": "/path", "exists": true|false} or {"id": "...", "http": "/path"} (README, "Declared checks")';
/** More would make a test run long for no gain; a file with more is a mistake (a generated one gone wrong). */
export const MAX_DECLARED_CHECKS = 100;

/**
 * Reads one checks file's text into checks, or throws a ChecksFileError naming `shown:line:column`, the
 * problem and the fix. Every key is checked: an unknown one is most often a typo (`outputMatch`) that would
 * otherwise silently check nothing.
 */
export function parseChecksFile(text: string, shown: string): DeclaredCheck[] {
  const doc = parseJsonc(text);
  const at: At = (p, value = false) => (value ? valuePositionOf(doc, p) : positionOf(doc, p));
  const fail: Fail = (position, problem, fix) => new ChecksFileError(shown, position, problem, fix);
  if (doc.errors.length) throw fail(doc.errors[0].position, `not valid JSON (${doc.errors[0].code})`, 'correct the JSON (comments and trailing commas are allowed)');
  if (!isRecord(doc.value)) throw fail({ line: 1, column: 1 }, 'the file must hold an object {"checks": [...]}', FORM_FIX);
  for (const key of Object.keys(doc.value)) {
    if (key !== 'checks' && key !== '$schema') throw fail(at([key]), `unknown key "${key}"`, 'the file holds one key, "checks" (a list)');
  }
  const list = getPath(doc.value, ['checks']);
  if (!Array.isArray(list)) throw fail(at(['checks'], true), `"checks" must be a list`, FORM_FIX);
  if (list.length > MAX_DECLARED_CHECKS) throw fail(at(['checks'], true), `${list.length} checks, over the limit of ${MAX_DECLARED_CHECKS}`, 'keep the checks that prove the app works; a test run is not a load test');
  const seen = new Map<string, number>();
  return list.map((item, i) => {
    const check = readCheck(item, i, shown, at, fail);
    const first = seen.get(check.id);
    if (first !== undefined) throw fail(at(['checks', i, 'id'], true), `the id "${check.id}" is used twice (also by check ${first + 1})`, 'give each check its own id');
    seen.set(check.id, i);
    return check;
  });
}

type At = (p: (string | number)[], value?: boolean) => Position;
type Fail = (position: Position, problem: string, fix: string) => ChecksFileError;

function readCheck(item: unknown, i: number, shown: string, at: At, fail: Fail): DeclaredCheck {
  const here = ['checks', i];
  if (!isRecord(item)) throw fail(at(here, true), `check ${i + 1} must be an object`, FORM_FIX);
  const kinds = (['command', 'file', 'http'] as const).filter((k) => k === 'file' ? item.file !== undefined : item[k] !== undefined);
  if (kinds.length !== 1) {
    throw fail(at(here, true), `check ${i + 1} must have exactly one of "command", "file" or "http"${kinds.length ? ` (it has ${kinds.join(' and ')})` : ''}`, FORM_FIX);
  }
  const kind = kinds[0];
  for (const key of Object.keys(item)) {
    if (!COMMON_KEYS.includes(key) && !KIND_KEYS[kind].includes(key)) {
      throw fail(at([...here, key]), `"${key}" is not a key of a ${kind} check (its keys: ${[...COMMON_KEYS, ...KIND_KEYS[kind]].join(', ')})`, 'correct or remove the key');
    }
  }
  const str = (key: string, required: boolean): string | undefined => {
    const value = item[key];
    if (value === undefined && !required) return undefined;
    if (typeof value !== 'string' || !value.trim()) throw fail(at([...here, key], true), `"${key}" must be a non-empty string`, FORM_FIX);
    return value;
  };
  const id = str('id', true) as string;
  if (!ID.test(id) || id.length > 64) throw fail(at([...here, 'id'], true), `the id "${id}" is not kebab-case (a-z, 0-9 and single hyphens, at most 64 characters)`, 'name it like "deploy-settings"; it is how reports name the check (check:<id>)');
  const base: CheckBase = { id, title: str('title', false), fix: str('fix', false), skip: str('skip', false), source: shown };
  const patterns = (key: string): string[] => {
    const value = item[key];
    if (value === undefined) return [];
    if (!Array.isArray(value) || value.some((v) => typeof v !== 'string' || !v)) throw fail(at([...here, key], true), `"${key}" must be a list of regular expressions (strings)`, FORM_FIX);
    value.forEach((pattern: string, j) => {
      try {
        new RegExp(pattern.split(NONCE).join('x'));
      } catch (error) {
        throw fail(at([...here, key, j], true), `${JSON.stringify(pattern)} is not a valid regular expression (${(error as Error).message})`, 'escape the characters . * + ? ( ) [ ] { } | \\ ^ $ with a backslash (\\\\ in JSON) where they are meant literally');
      }
    });
    return value as string[];
  };
  const int = (key: string, fallback: number | undefined, min: number, max: number): number | undefined => {
    const value = item[key];
    if (value === undefined) return fallback;
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) throw fail(at([...here, key], true), `"${key}" must be a whole number from ${min} to ${max}`, FORM_FIX);
    return value;
  };
  const bool = (key: string, fallback: boolean): boolean => {
    const value = item[key];
    if (value === undefined) return fallback;
    if (typeof value !== 'boolean') throw fail(at([...here, key], true), `"${key}" must be true or false`, FORM_FIX);
    return value;
  };
  if (kind === 'command') {
    const command = item.command;
    if (!Array.isArray(command) || !command.length || command.some((c) => typeof c !== 'string')) {
      throw fail(at([...here, 'command'], true), `"command" must be a non-empty list of strings (the program and its arguments, run without a shell)`, 'write ["python", "manage.py", "check"]; for a pipeline, ["sh", "-c", "..."]');
    }
    return { ...base, kind, command: command as string[], exitCode: int('exitCode', 0, 0, 255) as number, outputMatches: patterns('outputMatches'), outputExcludes: patterns('outputExcludes'), timeoutSeconds: int('timeoutSeconds', 120, 1, 600) as number };
  }
  if (kind === 'file') {
    const file = str('file', true) as string;
    if (!file.startsWith('/') || /[\x00-\x1f]/.test(file)) throw fail(at([...here, 'file'], true), `"file" must be an absolute path in the image, such as "/app/manage.py"`, FORM_FIX);
    if (typeof item.exists !== 'boolean') throw fail(at([...here, item.exists === undefined ? 'file' : 'exists'], true), `a file check needs "exists": true or false`, 'say whether the file must be in the image ("exists": true) or must not ("exists": false)');
    return { ...base, kind, path: file, exists: item.exists };
  }
  const checkPath = str('http', true) as string;
  const pathProblem = checkPathProblem(checkPath);
  if (pathProblem) throw fail(at([...here, 'http'], true), `${pathProblem}`, 'write the path the app serves, such as "/api/notes?limit=1"');
  const method = (str('method', false) ?? 'GET').toUpperCase();
  if (!METHODS.includes(method)) throw fail(at([...here, 'method'], true), `"${method}" is not a method the checks send (${METHODS.join(', ')})`, FORM_FIX);
  const headers: Record<string, string> = {};
  const rawHeaders = item.headers;
  if (rawHeaders !== undefined) {
    if (!isRecord(rawHeaders)) throw fail(at([...here, 'headers'], true), `"headers" must be an object of header name -> value`, FORM_FIX);
    for (const [name, value] of Object.entries(rawHeaders)) {
      if (!/^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/.test(name) || typeof value !== 'string' || /[\r\n\x00]/.test(value)) {
        throw fail(at([...here, 'headers', name]), `the header ${JSON.stringify(name)} must be a token with a one-line string value`, FORM_FIX);
      }
      if (name.toLowerCase() === 'host') throw fail(at([...here, 'headers', name]), `the Host header is set by the check (the app's loopback address)`, 'remove it; set ALLOWED_HOSTS (or the app\'s equivalent) to accept 127.0.0.1');
      setOwn(headers, name.toLowerCase(), value);
    }
  }
  if (item.body !== undefined && item.json !== undefined) throw fail(at([...here, 'json']), `a check has "body" or "json", not both`, FORM_FIX);
  let body: string | undefined;
  if (item.json !== undefined) {
    body = JSON.stringify(item.json);
    headers['content-type'] ??= 'application/json';
  } else if (item.body !== undefined) {
    if (typeof item.body !== 'string') throw fail(at([...here, 'body'], true), `"body" must be a string (use "json" for a JSON body)`, FORM_FIX);
    body = item.body;
  }
  if (body !== undefined && (method === 'GET' || method === 'HEAD')) throw fail(at([...here, item.json !== undefined ? 'json' : 'body']), `a ${method} request carries no body`, 'set "method" to POST, PUT or PATCH, or remove the body');
  const status = int('status', undefined, 100, 599);
  const followRedirects = bool('followRedirects', method === 'GET' || method === 'HEAD');
  if (followRedirects && method !== 'GET' && method !== 'HEAD') throw fail(at([...here, 'followRedirects'], true), `only GET and HEAD requests are followed through redirects`, 'check the redirect itself ("status": 303) and declare a GET of where it leads');
  return { ...base, kind, path: checkPath, method, headers, body, status, followRedirects, bodyMatches: patterns('bodyMatches'), bodyExcludes: patterns('bodyExcludes') };
}

/**
 * The checks of a run: the template's, then the project's; a project check with a template check's id takes
 * its place (in the template's order), the others follow.
 */
export function mergeChecks(template: readonly DeclaredCheck[], project: readonly DeclaredCheck[]): DeclaredCheck[] {
  const byId = new Map(project.map((c) => [c.id, c]));
  const merged = template.map((c) => byId.get(c.id) ?? c);
  return [...merged, ...project.filter((c) => !template.some((t) => t.id === c.id))];
}

/** `{{nonce}}` replaced by this run's word. */
export function withNonce(text: string, nonce: string): string {
  return text.split(NONCE).join(nonce);
}

/** The report's title of a check: its own, or one said from what it does. */
export function checkTitle(check: DeclaredCheck): string {
  if (check.title) return check.title;
  if (check.kind === 'command') return `${check.command.join(' ')} exits ${check.exitCode}`;
  if (check.kind === 'file') return `${check.path} ${check.exists ? 'is' : 'is not'} in the app image`;
  return `${check.method} ${check.path} answers ${check.status ?? '2xx'}`;
}

const clip = (text: string, n = 400) => (text.length > n ? `${text.slice(0, n)}...` : text);
const fixLine = (check: DeclaredCheck, fallback: string) => `fix: ${check.fix ?? fallback} (declared in ${check.source})`;

/** A command check's verdict from its exit code and output (stdout and stderr together). */
export function commandVerdict(check: CommandCheck, code: number | null, output: string, nonce: string): Verdict {
  const shown = output.trim() ? `\n${clip(output.trim(), 1200)}` : '';
  if (code !== check.exitCode) {
    return { ok: false, detail: `${check.command.join(' ')} exited ${code ?? 'without a code'}, not ${check.exitCode}${shown}\n${fixLine(check, 'see the output above')}` };
  }
  for (const pattern of check.outputMatches) {
    if (!new RegExp(withNonce(pattern, nonce), 'm').test(output)) return { ok: false, detail: `the output does not match /${pattern}/${shown}\n${fixLine(check, 'see the output above')}` };
  }
  for (const pattern of check.outputExcludes) {
    const found = new RegExp(withNonce(pattern, nonce), 'm').exec(output);
    if (found) {
      const line = output.split('\n').find((l) => new RegExp(withNonce(pattern, nonce)).test(l)) ?? found[0];
      return { ok: false, detail: `the output has /${pattern}/: ${clip(line.trim(), 300)}${shown}\n${fixLine(check, 'see the output above')}` };
    }
  }
  const last = output.trim().split('\n').pop() ?? '';
  return { ok: true, detail: `exit ${code}${last ? `: ${clip(last, 120)}` : ''}` };
}

/** A file check's verdict from whether the path exists in the running app container. */
export function fileVerdict(check: FileCheck, exists: boolean): Verdict {
  if (exists === check.exists) return { ok: true, detail: `${check.path} ${exists ? 'exists' : 'does not exist'}` };
  return {
    ok: false,
    detail: `${check.path} ${exists ? 'is in the app image, and must not be' : 'is not in the app image'}\n${fixLine(check, exists ? 'keep it out of the build context (.dockerignore) or out of the app stage\'s COPY' : 'COPY it into the app stage, or correct the path')}`,
  };
}

/** An HTTP check's verdict from its answer (followed through redirects when the check says so). */
export function declaredHttpVerdict(check: HttpCheck, answer: HttpAnswer, nonce: string): Verdict {
  const last = answer.hops[answer.hops.length - 1];
  const chain = httpChain(answer).replace(/^GET /, `${check.method} `);
  if (!last) return { ok: false, detail: `${check.method} ${answer.path}: no answer` };
  const oneLine = answer.body.replace(/\s+/g, ' ').trim();
  const body = oneLine ? ` (${clip(oneLine, 200)})` : '';
  const statusOk = check.status === undefined ? last.status >= 200 && last.status < 300 : last.status === check.status;
  if (!statusOk) {
    const fallback = answer.unfollowed
      ? `${answer.unfollowed}: let ${answer.path} answer itself, or redirect only within the app`
      : last.status >= 500
        ? 'the app failed on this request: see the app\'s log (a database table that is missing because migrations did not run, a folder it cannot write)'
        : 'make the app answer as declared, or correct the declared status';
    return { ok: false, detail: `${chain}: expected ${check.status ?? 'a 2xx'}, got ${last.status}${answer.unfollowed ? ` (${answer.unfollowed})` : ''}${body}\n${fixLine(check, fallback)}` };
  }
  for (const pattern of check.bodyMatches) {
    if (!new RegExp(withNonce(pattern, nonce), 'm').test(answer.body)) return { ok: false, detail: `${chain}: the body does not match /${pattern}/${body}\n${fixLine(check, 'make the answer hold what is declared')}` };
  }
  for (const pattern of check.bodyExcludes) {
    if (new RegExp(withNonce(pattern, nonce), 'm').test(answer.body)) return { ok: false, detail: `${chain}: the body has /${pattern}/${body}\n${fixLine(check, 'see the body above')}` };
  }
  return { ok: true, detail: `${chain}${body ? ` ${clip(oneLine, 80)}` : ''}` };
}
