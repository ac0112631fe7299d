import { countBySeverity } from '../diagnostics';
import { BaseImageUnavailable, ensureBaseImages } from '../engine/base-images';
import type { Engine } from '../engine/engine';
import { EngineError, type EngineLog } from '../engine/log';
import { lintTargets } from '../lint/lint';
import type { TargetRef } from '../pack';
import { StepFailure, StepSkip } from './steps';

/** The body of the first step of every test: a target with a lint error is neither built nor tested. */
export function lintOrFail(target: TargetRef): string {
  const diagnostics = lintTargets([target]);
  const counts = countBySeverity(diagnostics);
  if (counts.error) {
    const lines = diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.file}:${d.line ?? 1}:${d.column ?? 1} ${d.message} (${d.ruleId})`);
    throw new StepFailure(`${counts.error} lint error(s); a ${target.kind} that does not lint is not tested\n${lines.join('\n')}`);
  }
  return `no errors, ${counts.warning} warning(s)`;
}

/**
 * Makes the base images available. One this machine cannot have is not the target's fault: a blocking skip
 * (everything after needs it), with the reason; any other engine problem fails the step with its fix.
 */
export async function baseImagesOrSkip(engine: Engine, log: EngineLog, images: readonly string[]): Promise<void> {
  try {
    await ensureBaseImages(engine, log, images);
  } catch (error) {
    if (error instanceof BaseImageUnavailable) throw new StepSkip(`${error.message} (${error.hint})`, true);
    if (error instanceof EngineError) throw new StepFailure(`${error.message}\nfix: ${error.hint}`);
    throw error;
  }
}
