import * as fs from 'node:fs';
import * as path from 'node:path';
import { countBySeverity } from '../diagnostics';
import { EXIT, type ExitCode, type Io } from '../io';
import { lintTargets } from '../lint/lint';
import { rules } from '../lint/rules';
import { discoverTargets } from '../pack';
import { render, type Format } from '../render';
import { VERSION } from '../version';

export interface LintInput {
  paths: string[];
  format: Format;
  listRules: boolean;
}

export function lintCommand(input: LintInput, io: Io): ExitCode {
  if (input.listRules) {
    const width = Math.max(...rules.map((r) => r.id.length));
    for (const rule of rules) io.stdout(`${rule.id.padEnd(width)}  ${rule.meta.severity.padEnd(7)}  ${rule.meta.description}\n`);
    return EXIT.ok;
  }
  const discovery = discoverTargets(input.paths, io.cwd);
  if (!discovery.ok) {
    io.stderr(`stagepack lint: ${discovery.message}\n`);
    return EXIT.usage;
  }
  const diagnostics = lintTargets(discovery.targets);
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
  if (input.format === 'text' && discovery.targets.length === 0) io.stderr('stagepack lint: no templates or features found\n');
  return countBySeverity(diagnostics).error > 0 ? EXIT.problems : EXIT.ok;
}
