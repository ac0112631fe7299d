import type { StepOutcome } from '../steps';
import type { TemplateRunState } from '../template-run';

/**
 * One step of a template run: a stable id (the check id in reports), a title, whether it applies to this
 * run (asked when its turn comes, from what earlier steps found), and its body over the run's state.
 */
export interface TemplateStep {
  id: string;
  title: string | ((state: TemplateRunState) => string);
  applies?: (state: TemplateRunState) => boolean;
  run(state: TemplateRunState): Promise<StepOutcome | string>;
  /**
   * Steps known only once the run has got this far (the declared checks of the applied workspace): asked when
   * its turn comes, and run in this step's place.
   */
  expand?: (state: TemplateRunState) => readonly TemplateStep[];
}
