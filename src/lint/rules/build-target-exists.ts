import { findStage } from '../../dockerfile';
import { getPath, valuePositionOf } from '../../jsonc';
import { defineRule, isTemplate } from '../rule';

export default defineRule({
  id: 'build-target-exists',
  meta: {
    description: 'Make build.target name a stage of the Dockerfile.',
    rationale:
      'The CLI passes `build.target` to the build (devcontainer.json reference: "target"); a target that names no stage fails `devcontainer up` with "target stage could not be found". Whether a target is set at all is the shared-base convention\'s question (shared-base-target).',
    severity: 'error',
    group: 'spec',
    scope: 'applied',
    dockerfileReads: ['FROM'],
    configReads: ['devcontainer.build'],
    appliesTo: ['template'],
    messages: {
      unknownTarget: '"build.target": "{{target}}" names no stage of {{dockerfile}} (stages: {{stages}}). Name one of them.',
    },
  },
  check(target, context) {
    if (!isTemplate(target) || !target.devcontainer || !target.dockerfile) return;
    const file = target.devcontainer;
    const buildTarget = getPath(file.doc.value, ['build', 'target']);
    const dockerfile = target.dockerfile;
    if (typeof buildTarget !== 'string' || buildTarget === '' || findStage(dockerfile.model, buildTarget)) return;
    const stages = dockerfile.model.stages.map((s) => s.name).filter(Boolean).join(', ') || 'none named';
    context.report({ messageId: 'unknownTarget', data: { target: buildTarget, dockerfile: dockerfile.file.relPath, stages }, file, position: valuePositionOf(file.doc, ['build', 'target']) });
  },
});
