import * as fs from 'node:fs';
import * as path from 'node:path';
import { countBySeverity } from '../diagnostics';
import { EXIT, type ExitCode, type Io } from '../io';
import { ConfigError } from '../lint/config';
import { lintTargetsParallel } from '../lint/lint';
import { rules } from '../lint/rules';
import { discoverTargets } from '../pack';
import { ignoredNote, printable, render, type Format } from '../render';
import { VERSION } from '../version';

export interface LintInput {
  paths: string[];
  format: Format;
  listRules: boolean;
  /** Fail (exit 1) when there are more warnings than this. */
  maxWarnings?: number;
}

export async function lintCommand(input: LintInput, io: Io): Promise<ExitCode> {
  if (input.listRules) {
    if (input.format === 'sarif') {
      io.stderr('stagepack lint: --list-rules prints text or json, not sarif (SARIF lists the rules with its results)\nfix: stagepack lint --list-rules --format json\n');
      return EXIT.usage;
    }
    if (input.format === 'json') {
      const list = rules.map((r) => ({ id: r.id, group: r.meta.group, severity: r.meta.severity, appliesTo: r.meta.appliesTo, description: r.meta.description }));
      io.stdout(`${JSON.stringify(list, null, 2)}\n`);
      return EXIT.ok;
    }
    const width = Math.max(...rules.map((r) => r.id.length));
    const groupWidth = Math.max(...rules.map((r) => r.meta.group.length));
    for (const rule of rules) io.stdout(`${rule.id.padEnd(width)}  ${rule.meta.group.padEnd(groupWidth)}  ${rule.meta.severity.padEnd(7)}  ${rule.meta.description}\n`);
    return EXIT.ok;
  }
  const discovery = discoverTargets(input.paths, io.cwd);
  if (!discovery.ok) {
    io.stderr(`stagepack lint: ${printable(discovery.message)}\n${discovery.fix ? `fix: ${discovery.fix}\n` : ''}`);
    return EXIT.usage;
  }
  io.stderr(ignoredNote('lint', discovery.ignored));
  let diagnostics;
  try {
    diagnostics = await lintTargetsParallel(discovery.targets);
  } catch (error) {
    if (error instanceof ConfigError) {
      io.stderr(`stagepack lint: ${printable(error.message)}\nfix: ${printable(error.fix)}\n`);
      return EXIT.usage;
    }
    throw error;
  }
  io.stdout(
    render(input.format, diagnostics, {
      color: io.color,
      readSource: (file) => {
        try {
          return fs.readFileSync(path.resolve(io.cwd, file), 'utf8');
        } catch {
          return undefined;
        }
      },
      rules: rules.map((r) => ({ id: r.id, description: r.meta.description, severity: r.meta.severity })),
      toolVersion: VERSION,
    }),
  );
  const counts = countBySeverity(diagnostics);
  if (counts.error > 0) return EXIT.problems;
  if (input.maxWarnings !== undefined && counts.warning > input.maxWarnings) {
    io.stderr(`stagepack lint: ${counts.warning} warning(s), more than --max-warnings ${input.maxWarnings}\n`);
    return EXIT.problems;
  }
  return EXIT.ok;
}
