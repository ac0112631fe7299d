import { findStage } from '../../dockerfile';
import { defineRule, isTemplate } from '../rule';

export default defineRule({
  id: 'dockerfile-base-stage',
  meta: {
    description: 'Declare a stage named base that development and app both build on.',
    rationale:
      'The contract of every stagepack template: one `base` stage that the dev container and the production image both build on, so the laptop and production cannot drift.',
    severity: 'error',
    group: 'shared-base',
    scope: 'applied',
    dockerfileReads: ['FROM'],
    configReads: ['devcontainer.build', 'devcontainer.dockerComposeFile', 'devcontainer.service'],
    appliesTo: ['template'],
    messages: {
      noDockerfile: '{{folder}} has no Dockerfile. Add one at the template root with a base stage that a development stage and an app stage both build on.',
      missing: 'No stage is named "base" (stages: {{stages}}). Name the stage that the dev container and the production image share: `FROM <your runtime image> AS base`.',
    },
  },
  check(target, context) {
    if (!isTemplate(target)) return;
    if (!target.dockerfile) {
      // Only when devcontainer.json does not already point at a missing file (build-paths-resolve says that).
      if (!target.devcontainer) context.report({ messageId: 'noDockerfile', data: { folder: target.displayDir }, file: { displayPath: target.displayDir } });
      return;
    }
    const { file, model } = target.dockerfile;
    if (findStage(model, 'base')) return;
    const stages = model.stages.map((s) => s.name ?? `#${s.index} (unnamed)`).join(', ') || 'none';
    context.report({ messageId: 'missing', data: { stages }, file, position: model.stages[0]?.fromPosition ?? { line: 1, column: 1 } });
  },
});
