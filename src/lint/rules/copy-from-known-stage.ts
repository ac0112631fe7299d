import type { Position } from '../../diagnostics';
import { mounts } from '../dockerfile-facts';
import { defineRule, isTemplate } from '../rule';

export default defineRule({
  id: 'copy-from-known-stage',
  meta: {
    description: 'Make every COPY --from (and RUN --mount from=) name an earlier stage or a tagged image.',
    rationale:
      'BuildKit reads `--from=NAME` as a stage when one is called NAME and otherwise as an image to pull: a misspelt stage name becomes a pull of a Docker Hub image that does not exist (or, worse, one that does). A stage can only copy from a stage defined before it.',
    severity: 'error',
    group: 'spec',
    scope: 'applied',
    dockerfileReads: ['COPY', 'ADD', 'RUN'],
    appliesTo: ['template'],
    messages: {
      unknown: '--from={{from}} names no stage of this Dockerfile (stages so far: {{stages}}); BuildKit would try to pull an image called "{{from}}". Fix the stage name, or give the image a tag.',
      later: '--from={{from}} names a stage defined after this one (line {{line}}); a stage can only copy from earlier stages. Move "{{from}}" above.',
      index: '--from={{from}} is a stage index, but only stages 0-{{max}} come before this one. Name the stage instead (`FROM ... AS builder`, `--from=builder`).',
    },
  },
  check(target, context) {
    if (!isTemplate(target) || !target.dockerfile) return;
    const { file, model } = target.dockerfile;
    for (const stage of model.stages) {
      const earlier = model.stages.slice(0, stage.index);
      for (const instruction of stage.instructions.slice(1)) {
        // Only flags refer to stages (`--from`, `--mount=...,from=`): most instructions have none.
        if (!instruction.flags.length) continue;
        const references: { value: string; position: Position }[] = [];
        for (const flag of instruction.flags) {
          if (flag.name === 'from' && flag.value) references.push({ value: flag.value, position: flag.position });
        }
        for (const mount of mounts(instruction)) {
          if (mount.options.from) references.push({ value: mount.options.from, position: instruction.position });
        }
        for (const { value, position } of references) {
          if (value.includes('$')) continue;
          if (/^\d+$/.test(value)) {
            if (Number(value) >= stage.index) context.report({ messageId: 'index', data: { from: value, max: Math.max(0, stage.index - 1) }, file, position });
            continue;
          }
          const name = value.toLowerCase();
          if (earlier.some((s) => s.name === name)) continue;
          const later = model.stages.find((s) => s.index >= stage.index && s.name === name);
          if (later) context.report({ messageId: 'later', data: { from: value, line: later.fromPosition.line }, file, position });
          else if (!/[:/@]/.test(value)) context.report({ messageId: 'unknown', data: { from: value, stages: earlier.map((s) => s.name).filter(Boolean).join(', ') || 'none' }, file, position });
        }
      }
    }
  },
});
