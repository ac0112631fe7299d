import { ancestry, descendsFrom, findStage } from '../../dockerfile';
import { defineRule, isTemplate } from '../rule';

/** The two stages users build: `development` (the dev container) and `app` (the production image). */
const REQUIRED_STAGES = ['development', 'app'] as const;

export default defineRule({
  id: 'stages-descend-from-base',
  meta: {
    description: 'Build the development and app stages FROM base (directly or through another stage).',
    rationale:
      '`development` and `app` must both come from `base` (directly or through `builder`), or the dev container and production silently run on different systems, the drift this pack exists to prevent.',
    severity: 'error',
    group: 'shared-base',
    scope: 'applied',
    dockerfileReads: ['FROM'],
    appliesTo: ['template'],
    messages: {
      missingStage: 'No stage is named "{{stage}}". Add `FROM base AS {{stage}}`: {{purpose}}.',
      notFromBase: 'Stage "{{stage}}" is built from {{chain}}, not from base, so the {{what}} would not share the base stage. Write `FROM base AS {{stage}}`.',
    },
  },
  check(target, context) {
    if (!isTemplate(target) || !target.dockerfile) return;
    const { file, model } = target.dockerfile;
    if (!findStage(model, 'base')) return; // dockerfile-base-stage reports it once.
    for (const name of REQUIRED_STAGES) {
      const stage = findStage(model, name);
      if (!stage) {
        const purpose = name === 'development' ? 'devcontainer.json opens it with "target": "development"' : 'it is the production image (`docker build --target app .`)';
        context.report({ messageId: 'missingStage', data: { stage: name, purpose }, file, position: model.stages[model.stages.length - 1]?.fromPosition ?? { line: 1, column: 1 } });
      } else if (!descendsFrom(model, stage, 'base')) {
        const chain = ancestry(model, stage).slice(1).map((s) => s.name ?? `stage #${s.index}`);
        const root = ancestry(model, stage).at(-1)?.from ?? stage.from;
        context.report({
          messageId: 'notFromBase',
          data: { stage: name, chain: [...chain, root].map((c) => `"${c}"`).join(' <- '), what: name === 'app' ? 'production image' : 'dev container' },
          file,
          position: stage.fromPosition,
        });
      }
    }
  },
});
