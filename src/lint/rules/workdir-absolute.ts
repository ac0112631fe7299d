import { positionOfInstruction } from '../dockerfile-facts';
import { defineRule, isTemplate } from '../rule';

export default defineRule({
  id: 'workdir-absolute',
  meta: {
    description: 'Give WORKDIR an absolute path.',
    rationale:
      'A relative WORKDIR is resolved against the previous one, which depends on the base image and on every stage in between: moving a line or changing the base silently moves the app.',
    severity: 'warning',
    group: 'spec',
    scope: 'applied',
    dockerfileReads: ['WORKDIR'],
    appliesTo: ['template'],
    messages: {
      relative: '`WORKDIR {{path}}` is relative, so where it lands depends on the WORKDIR before it. Write an absolute path such as /{{path}}.',
    },
  },
  check(target, context) {
    if (!isTemplate(target) || !target.dockerfile) return;
    const { file, model } = target.dockerfile;
    for (const workdir of model.instructions.filter((i) => i.keyword === 'WORKDIR')) {
      const value = workdir.args.trim().replace(/^["']|["']$/g, '');
      if (!value || value.startsWith('/') || value.startsWith('$')) continue;
      context.report({ messageId: 'relative', data: { path: value }, file, position: positionOfInstruction(workdir) });
    }
  },
});
