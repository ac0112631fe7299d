import * as fs from 'node:fs';
import { loadTarget, templateOptions, type TargetRef } from '../pack';
import { defaultOptionValues, type OptionVariant } from '../template-options';
import { runLabel, StepFailure, StepRecorder, type TemplateRun } from './steps';
import { createRunState, type TemplateRunState, type TemplateTestContext } from './template-run';
import { APP_IMAGE_STEPS } from './template-steps/app-image';
import { APP_RUN_STEPS } from './template-steps/app-run';
import { DEV_STEPS } from './template-steps/dev';
import { SETUP_STEPS } from './template-steps/setup';
import type { TemplateStep } from './template-steps/step';

/**
 * The end-to-end test of one template, as a user meets it: published to a registry, applied onto a sample
 * application, opened as a dev container, its smoke test run inside, then its production image built, run,
 * healthy, answering, stopped. The steps live in ./template-steps over one typed state (./template-run)
 * whose ledger records everything the run creates; the clean-up removes exactly that, by id, whatever any
 * step threw (unless --keep).
 */

export const TEMPLATE_STEPS: readonly TemplateStep[] = [...SETUP_STEPS, ...DEV_STEPS, ...APP_IMAGE_STEPS, ...APP_RUN_STEPS];

export async function testTemplate(template: TargetRef, context: TemplateTestContext, variant?: OptionVariant): Promise<TemplateRun> {
  const variantLabel = context.feature ? `+${context.feature.target.folderName}` : variant?.option ? `${variant.option}=${variant.value ?? ''}` : undefined;
  const run: TemplateRun = { template: template.folderName, variant: variantLabel, options: {}, steps: [] };
  const recorder = new StepRecorder(runLabel(run), context.write, { logDir: context.logDir, injectFaultAfter: context.injectFault });
  run.steps = recorder.steps;
  let state: TemplateRunState | undefined;
  try {
    // A plain copy: a variant's values are a read-only view of the defaults.
    const options = variant ? { ...variant.values } : defaultOptionValues(templateOptions(loadTarget(template)));
    run.options = options;
    const ready = (state = createRunState(template, context, options, variant?.option));
    for (const listed of TEMPLATE_STEPS) {
      if (listed.applies && !listed.applies(ready)) continue;
      for (const step of listed.expand ? listed.expand(ready) : [listed]) {
        await recorder.step(step.id, typeof step.title === 'string' ? step.title : step.title(ready), () => step.run(ready));
      }
    }
  } finally {
    const created = state;
    await recorder.step('cleanup', context.keep ? 'keep everything (--keep)' : 'remove what the test created', () => cleanUp(context, created), { always: true });
    // Logs of a passing run are noise; those of a failing one are what the user reads next.
    if (!recorder.hasFailed && !context.keep) fs.rmSync(context.logDir, { recursive: true, force: true });
  }
  return run;
}

/** Removes, by id, exactly what the run recorded, then its folder; with --keep, says how to. */
async function cleanUp(context: TemplateTestContext, state: TemplateRunState | undefined): Promise<string> {
  if (!state) {
    fs.rmSync(context.workDir, { recursive: true, force: true });
    return `nothing was created but ${context.workDir}, removed`;
  }
  const { ledger } = state;
  if (context.keep) return `kept; logs in ${context.logDir}; remove later with: ${ledger.removalCommands().join(' && ')}`;
  const { removed, problems, handedOver } = await ledger.removeAll(context.engine);
  if (problems.length) throw new StepFailure(`could not remove everything; ${problems.length} left:\n${problems.join('\n')}\nfix: remove them by hand (docker rm -f / rmi / network rm / volume rm with the ids above)`);
  const composeParts = removed.network || removed.volume ? `, ${removed.network} network(s), ${removed.volume} volume(s)` : '';
  const shared = handedOver ? ` (${handedOver} more image(s) it built are also another run's of this test, which removes them when it ends)` : '';
  return `removed ${removed.container} container(s), ${removed.image} image(s)${composeParts} and ${context.workDir}${shared}`;
}
