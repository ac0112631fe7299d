import { compareDiagnostics, formatMessage, type Diagnostic } from '../diagnostics';
import { loadTarget, type LoadedTarget, type TargetRef } from '../pack';
import type { Rule } from './rule';
import { rules as allRules } from './rules';

/** Runs every applicable rule on every target and returns the diagnostics in a stable order. */
export function lintTargets(targets: readonly TargetRef[], rules: readonly Rule[] = allRules): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  for (const ref of targets) diagnostics.push(...lintLoaded(loadTarget(ref), rules));
  return diagnostics.sort(compareDiagnostics);
}

export function lintLoaded(target: LoadedTarget, rules: readonly Rule[] = allRules): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  for (const rule of rules) {
    if (!rule.meta.appliesTo.includes(target.kind)) continue;
    rule.check(target, {
      report({ messageId, data, file, position }) {
        const template = rule.meta.messages[messageId];
        diagnostics.push({
          ruleId: rule.id,
          severity: rule.meta.severity,
          messageId,
          message: formatMessage(template, data),
          file: file.displayPath,
          ...(position ? { line: position.line, column: position.column } : {}),
        });
      },
    });
  }
  return diagnostics;
}
