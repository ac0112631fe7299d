import * as fs from 'node:fs';
import * as path from 'node:path';
import { SEVERITIES, type RuleSetting } from '../diagnostics';
import { getPath, isRecord, parseJsonc, positionOf, setOwn, valuePositionOf } from '../jsonc';
import { isDirectory, MAX_TEXT_FILE_BYTES, readText } from '../pack';
import { checkPathProblem } from '../testing/run-inputs';
import { RULE_GROUPS, type RuleGroup } from './rule';

/**
 * `stagepack.json` at the root of a pack (or any folder above a template or feature: the nearest wins) sets
 * rule severities for everything below it:
 *
 *     { "lint": { "rules": { "app-healthcheck": "warning", "pip-cache": "off" } } }
 *     { "lint": { "groups": { "shared-base": "off" } } }     (a collection that does not follow our convention)
 *
 * A config that cannot be read is an error of the command (exit 2) that names the file, line and column.
 */
export const CONFIG_FILE = 'stagepack.json';

export interface LintConfig {
  file?: string;
  rules: Record<string, RuleSetting>;
  /** Rule groups switched off (`"lint": {"groups": {"shared-base": "off"}}`); the spec group cannot be. */
  groupsOff?: RuleGroup[];
  /** Per-template bounds for `stagepack test` (checks can be tuned, never turned off). */
  testBounds?: Record<string, TestBounds>;
  /** `"test": {"checkPaths": [...]}`: paths the HTTP checks request for every template or project below. */
  checkPaths?: string[];
}

/** What `"test": {"templates": {"<id>": {...}}}` may set. */
export interface TestBounds {
  healthTimeoutSeconds?: number;
  stopBoundSeconds?: number;
  /** Paths the HTTP checks request (app-http, app-load, app-read-only) instead of `/`. */
  checkPaths?: string[];
}

const TEST_BOUND_KEYS = ['healthTimeoutSeconds', 'stopBoundSeconds'] as const;

/** A stagepack.json that cannot be used: the command stops with exit 2, this message and the fix. */
export class ConfigError extends Error {
  constructor(message: string, readonly fix = `correct ${CONFIG_FILE} (README, "Severities", shows its form) or remove it`) {
    super(message);
  }
}

const cache = new Map<string, LintConfig>();

/**
 * The config for a folder. `lookups` remembers, for one run over many targets, which folders hold no
 * stagepack.json: 1,000 templates in one collection look at their shared parents once, not 1,000 times.
 */
export function configFor(dir: string, knownRules: ReadonlySet<string>, lookups?: Map<string, string | undefined>): LintConfig {
  const found = findUp(dir, lookups);
  if (!found) return { rules: {} };
  const cached = cache.get(found);
  if (cached) return cached;
  const config = readConfig(found, knownRules);
  cache.set(found, config);
  return config;
}

function findUp(dir: string, lookups?: Map<string, string | undefined>): string | undefined {
  const visited: string[] = [];
  let found: string | undefined;
  for (let current = path.resolve(dir); ; current = path.dirname(current)) {
    if (lookups?.has(current)) {
      found = lookups.get(current);
      break;
    }
    visited.push(current);
    const candidate = path.join(current, CONFIG_FILE);
    // lstat: a folder, a FIFO or a dangling link named stagepack.json is found too, and refused by readConfig.
    if (lstatOrUndefined(candidate)) {
      found = candidate;
      break;
    }
    if (path.dirname(current) === current) break;
  }
  for (const folder of visited) lookups?.set(folder, found);
  return found;
}

function lstatOrUndefined(file: string): fs.Stats | undefined {
  try {
    // throwIfNoEntry: the usual answer (no stagepack.json here) costs no exception.
    return fs.lstatSync(file, { throwIfNoEntry: false });
  } catch {
    return undefined;
  }
}

/** The config's text, read as carefully as template files: never a FIFO (which would block), a folder or a huge file (a link is followed). */
function readConfigText(file: string, shown: string): string {
  const read = readText(file, shown, CONFIG_FILE);
  if ('text' in read) return read.text;
  const problem = {
    special: isDirectory(file) ? 'is a folder, not a file' : 'is not a regular file (a FIFO, socket or device)',
    'too-large': `is ${read.detail}, over the ${MAX_TEXT_FILE_BYTES} byte limit`,
    binary: 'holds NUL bytes, so it is not JSON',
    unreadable: `cannot be read (${read.detail ?? 'unknown error'})`,
    symlink: 'is a symbolic link',
  }[read.reason];
  throw new ConfigError(`${shown}: ${problem}`, read.reason === 'unreadable' ? `make it readable (chmod a+r ${shown}) or remove it` : `replace it with a ${CONFIG_FILE} file, or remove it`);
}

export function readConfig(file: string, knownRules: ReadonlySet<string>): LintConfig {
  const shown = path.relative(process.cwd(), file) || file;
  const doc = parseJsonc(readConfigText(file, shown));
  const where = (p: { line: number; column: number }) => `${shown}:${p.line}:${p.column}`;
  if (doc.errors.length) throw new ConfigError(`${where(doc.errors[0].position)}: ${CONFIG_FILE} is not valid JSON (${doc.errors[0].code})`);
  const testBounds = readTestBounds(doc, where);
  const checkPaths = readCheckPaths(doc, ['test', 'checkPaths'], where);
  const groupsOff = readGroups(doc, where);
  const rules = getPath(doc.value, ['lint', 'rules']);
  if (rules === undefined) return { file, rules: {}, testBounds, groupsOff, checkPaths };
  if (!isRecord(rules)) throw new ConfigError(`${where(positionOf(doc, ['lint', 'rules']))}: "lint.rules" must be an object of rule id -> ${[...SEVERITIES, 'off'].join('|')}`);
  const settings: Record<string, RuleSetting> = {};
  for (const [id, value] of Object.entries(rules)) {
    if (!knownRules.has(id)) throw new ConfigError(`${where(positionOf(doc, ['lint', 'rules', id]))}: no rule is named "${id}" (stagepack lint --list-rules lists them)`);
    if (value !== 'off' && !SEVERITIES.includes(value as never)) {
      throw new ConfigError(`${where(valuePositionOf(doc, ['lint', 'rules', id]))}: "${id}" must be one of ${[...SEVERITIES, 'off'].join(', ')}, not ${JSON.stringify(value)}`);
    }
    setOwn(settings, id, value as RuleSetting);
  }
  return { file, rules: settings, testBounds, groupsOff, checkPaths };
}

/** A list of paths for the HTTP checks, each absolute and printable (see checkPathProblem). */
function readCheckPaths(doc: ReturnType<typeof parseJsonc>, at: string[], where: (p: { line: number; column: number }) => string): string[] | undefined {
  const list = getPath(doc.value, at);
  if (list === undefined) return undefined;
  if (!Array.isArray(list) || !list.length) throw new ConfigError(`${where(valuePositionOf(doc, at))}: "${at.join('.')}" must be a non-empty list of paths such as ["/", "/api/items"]`);
  list.forEach((item, i) => {
    const problem = typeof item === 'string' ? checkPathProblem(item) : 'it is not a string';
    if (problem) throw new ConfigError(`${where(valuePositionOf(doc, [...at, i]))}: "${at.join('.')}"[${i}]: ${problem}; a check path is absolute, such as "/api/items?limit=1"`);
  });
  return list as string[];
}

function readGroups(doc: ReturnType<typeof parseJsonc>, where: (p: { line: number; column: number }) => string): RuleGroup[] {
  const groups = getPath(doc.value, ['lint', 'groups']);
  if (groups === undefined) return [];
  if (!isRecord(groups)) throw new ConfigError(`${where(positionOf(doc, ['lint', 'groups']))}: "lint.groups" must be an object such as {"shared-base": "off"}`);
  const off: RuleGroup[] = [];
  for (const [name, value] of Object.entries(groups)) {
    if (name === 'spec') throw new ConfigError(`${where(positionOf(doc, ['lint', 'groups', name]))}: the spec group cannot be turned off (turn single rules off under "lint.rules")`);
    if (name !== 'shared-base') throw new ConfigError(`${where(positionOf(doc, ['lint', 'groups', name]))}: no rule group is named "${name}" (groups: ${Object.keys(RULE_GROUPS).join(', ')})`);
    if (value !== 'off' && value !== 'on') throw new ConfigError(`${where(valuePositionOf(doc, ['lint', 'groups', name]))}: "${name}" must be "on" or "off", not ${JSON.stringify(value)}`);
    if (value === 'off') off.push(name);
  }
  return off;
}

function readTestBounds(doc: ReturnType<typeof parseJsonc>, where: (p: { line: number; column: number }) => string): Record<string, TestBounds> {
  const templates = getPath(doc.value, ['test', 'templates']);
  if (templates === undefined) return {};
  if (!isRecord(templates)) throw new ConfigError(`${where(positionOf(doc, ['test', 'templates']))}: "test.templates" must map template ids to bounds`);
  const bounds: Record<string, TestBounds> = {};
  for (const [id, value] of Object.entries(templates)) {
    if (!isRecord(value)) throw new ConfigError(`${where(positionOf(doc, ['test', 'templates', id]))}: the bounds of "${id}" must be an object`);
    setOwn(bounds, id, {});
    for (const [key, bound] of Object.entries(value)) {
      if (key === 'checkPaths') {
        bounds[id].checkPaths = readCheckPaths(doc, ['test', 'templates', id, key], where);
        continue;
      }
      if (!TEST_BOUND_KEYS.includes(key as never)) {
        throw new ConfigError(`${where(positionOf(doc, ['test', 'templates', id, key]))}: "${key}" is not a test setting (${[...TEST_BOUND_KEYS, 'checkPaths'].join(', ')}); checks can be tuned, not turned off`);
      }
      if (typeof bound !== 'number' || !(bound > 0) || bound > 600) throw new ConfigError(`${where(valuePositionOf(doc, ['test', 'templates', id, key]))}: "${key}" must be a number of seconds between 0 and 600`);
      bounds[id][key as (typeof TEST_BOUND_KEYS)[number]] = bound;
    }
  }
  return bounds;
}
