import * as fs from 'node:fs';
import * as path from 'node:path';
import { SEVERITIES, type RuleSetting } from '../diagnostics';
import { getPath, isRecord, parseJsonc, positionOf, valuePositionOf } from '../jsonc';
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
}

/** What `"test": {"templates": {"<id>": {...}}}` may set. */
export interface TestBounds {
  healthTimeoutSeconds?: number;
  stopBoundSeconds?: number;
}

const TEST_BOUND_KEYS = ['healthTimeoutSeconds', 'stopBoundSeconds'] as const;

export class ConfigError extends Error {}

const cache = new Map<string, LintConfig>();

export function configFor(dir: string, knownRules: ReadonlySet<string>): LintConfig {
  const found = findUp(dir);
  if (!found) return { rules: {} };
  const cached = cache.get(found);
  if (cached) return cached;
  const config = readConfig(found, knownRules);
  cache.set(found, config);
  return config;
}

function findUp(dir: string): string | undefined {
  for (let current = path.resolve(dir); ; current = path.dirname(current)) {
    const candidate = path.join(current, CONFIG_FILE);
    if (fs.existsSync(candidate)) return candidate;
    if (path.dirname(current) === current) return undefined;
  }
}

export function readConfig(file: string, knownRules: ReadonlySet<string>): LintConfig {
  const doc = parseJsonc(fs.readFileSync(file, 'utf8'));
  const where = (p: { line: number; column: number }) => `${path.relative(process.cwd(), file) || file}:${p.line}:${p.column}`;
  if (doc.errors.length) throw new ConfigError(`${where(doc.errors[0].position)}: ${CONFIG_FILE} is not valid JSON (${doc.errors[0].code})`);
  const testBounds = readTestBounds(doc, where);
  const groupsOff = readGroups(doc, where);
  const rules = getPath(doc.value, ['lint', 'rules']);
  if (rules === undefined) return { file, rules: {}, testBounds, groupsOff };
  if (!isRecord(rules)) throw new ConfigError(`${where(positionOf(doc, ['lint', 'rules']))}: "lint.rules" must be an object of rule id -> ${[...SEVERITIES, 'off'].join('|')}`);
  const settings: Record<string, RuleSetting> = {};
  for (const [id, value] of Object.entries(rules)) {
    if (!knownRules.has(id)) throw new ConfigError(`${where(positionOf(doc, ['lint', 'rules', id]))}: no rule is named "${id}" (stagepack lint --list-rules lists them)`);
    if (value !== 'off' && !SEVERITIES.includes(value as never)) {
      throw new ConfigError(`${where(valuePositionOf(doc, ['lint', 'rules', id]))}: "${id}" must be one of ${[...SEVERITIES, 'off'].join(', ')}, not ${JSON.stringify(value)}`);
    }
    settings[id] = value as RuleSetting;
  }
  return { file, rules: settings, testBounds, groupsOff };
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
    bounds[id] = {};
    for (const [key, bound] of Object.entries(value)) {
      if (!TEST_BOUND_KEYS.includes(key as never)) {
        throw new ConfigError(`${where(positionOf(doc, ['test', 'templates', id, key]))}: "${key}" is not a test bound (${TEST_BOUND_KEYS.join(', ')}); checks can be tuned, not turned off`);
      }
      if (typeof bound !== 'number' || !(bound > 0) || bound > 600) throw new ConfigError(`${where(valuePositionOf(doc, ['test', 'templates', id, key]))}: "${key}" must be a number of seconds between 0 and 600`);
      bounds[id][key as (typeof TEST_BOUND_KEYS)[number]] = bound;
    }
  }
  return bounds;
}
