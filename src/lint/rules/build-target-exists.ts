import { findStage } from '../../dockerfile';
import { getPath, positionOf, valuePositionOf } from '../../jsonc';
import { defineRule, isTemplate } from '../rule';

export default defineRule({
  id: 'build-target-exists',
  meta: {
    description: 'Open the dev container on an existing stage with build.target (normally "development").',
    rationale:
      'Without `build.target` the Dev Containers CLI builds the last stage of the Dockerfile, which in a shared-base template is usually the production image: the dev container would open without git or dev tools. A target that names no stage fails the build.',
    severity: 'error',
    scope: 'applied',
    appliesTo: ['template'],
    messages: {
      noBuild: 'devcontainer.json has no "build" section, so the dev container would not share the Dockerfile\'s base stage. Add "build": {"dockerfile": "../Dockerfile", "context": "..", "target": "development"}.',
      missingTarget: '"build" has no "target", so the CLI builds the last stage ("{{last}}"). Add "target": "development".',
      unknownTarget: '"build.target": "{{target}}" names no stage of {{dockerfile}} (stages: {{stages}}). Use "development".',
    },
  },
  check(target, context) {
    if (!isTemplate(target) || !target.devcontainer) return;
    const file = target.devcontainer;
    const config = file.doc.value;
    if (config === undefined) return;
    const build = getPath(config, ['build']);
    if (build === undefined) {
      // A compose-based template selects its stage in the compose file; that is checked elsewhere.
      if (getPath(config, ['dockerComposeFile']) !== undefined) return;
      context.report({ messageId: 'noBuild', file, position: positionOf(file.doc, []) });
      return;
    }
    const dockerfile = target.dockerfile;
    const buildTarget = getPath(build, ['target']);
    if (typeof buildTarget !== 'string' || buildTarget === '') {
      const last = dockerfile?.model.stages.at(-1)?.name ?? 'the last stage';
      context.report({ messageId: 'missingTarget', data: { last }, file, position: positionOf(file.doc, ['build', 'target']) });
      return;
    }
    if (!dockerfile || findStage(dockerfile.model, buildTarget)) return;
    const stages = dockerfile.model.stages.map((s) => s.name).filter(Boolean).join(', ') || 'none named';
    context.report({ messageId: 'unknownTarget', data: { target: buildTarget, dockerfile: dockerfile.file.relPath, stages }, file, position: valuePositionOf(file.doc, ['build', 'target']) });
  },
});
