import { defineRule, isTemplate } from '../rule';

export default defineRule({
  id: 'duplicate-stage-name',
  meta: {
    description: 'Name each stage once.',
    rationale:
      'With two stages of the same name, `--target`, `FROM name` and `COPY --from=name` silently pick one of them (older builders the first, BuildKit refuses or takes the last); the dev container or production then builds from a stage its author did not mean.',
    severity: 'error',
    group: 'spec',
    scope: 'applied',
    dockerfileReads: ['FROM'],
    appliesTo: ['template'],
    messages: {
      duplicate: 'A stage named "{{name}}" is already defined on line {{line}}. Rename one of them.',
    },
  },
  check(target, context) {
    if (!isTemplate(target) || !target.dockerfile) return;
    const { file, model } = target.dockerfile;
    const first = new Map<string, number>();
    for (const stage of model.stages) {
      if (!stage.name) continue;
      const line = first.get(stage.name);
      if (line === undefined) first.set(stage.name, stage.fromPosition.line);
      else context.report({ messageId: 'duplicate', data: { name: stage.name, line }, file, position: stage.namePosition });
    }
  },
});
