import { getPath, positionOf } from '../../jsonc';
import { defineRule, isTemplate } from '../rule';

export default defineRule({
  id: 'shared-base-target',
  meta: {
    description: 'Build the dev container from a named stage of the template\'s Dockerfile (normally "development").',
    rationale:
      'The shared-base convention builds the dev container and the production image from one Dockerfile. Without `build.target` (or, with compose, `services.<service>.build.target`) the Dev Containers CLI builds the last stage, which in such a Dockerfile is usually the production image: the dev container would open without the development tools. A dev container started from a plain `image` does not share the Dockerfile at all. Valid by the spec; turn the group off when the collection does not follow the convention.',
    severity: 'error',
    group: 'shared-base',
    scope: 'applied',
    dockerfileReads: ['FROM'],
    configReads: ['devcontainer.build', 'devcontainer.dockerComposeFile', 'compose'],
    appliesTo: ['template'],
    messages: {
      noBuild: 'devcontainer.json has no "build" section, so the dev container does not share a Dockerfile with the production image. Build it from the template\'s Dockerfile: "build": {"dockerfile": "../Dockerfile", "context": "..", "target": "development"}.',
      missingTarget: '"build" has no "target", so the CLI builds the last stage ("{{last}}"). Add "target" naming the development stage.',
      composeNoBuild: 'Service "{{service}}" starts from an image, not from the template\'s Dockerfile, so the dev container does not share it with the production image. Give it `build: {context: .., target: development}`.',
      composeNoTarget: 'Service "{{service}}" builds without a target, so it gets the last stage of the Dockerfile. Add `target:` naming the development stage under build.',
    },
  },
  check(target, context) {
    if (!isTemplate(target) || !target.devcontainer) return;
    const file = target.devcontainer;
    const config = file.doc.value;
    if (config === undefined) return;
    if (getPath(config, ['dockerComposeFile']) !== undefined) {
      const service = target.compose?.service;
      if (!service) return;
      if (!service.build) context.report({ messageId: 'composeNoBuild', data: { service: service.name }, file: target.compose!.file, position: service.position });
      else if (!service.build.target) context.report({ messageId: 'composeNoTarget', data: { service: service.name }, file: target.compose!.file, position: service.build.position });
      return;
    }
    const build = getPath(config, ['build']);
    if (build === undefined) {
      context.report({ messageId: 'noBuild', file, position: positionOf(file.doc, []) });
      return;
    }
    const buildTarget = getPath(build, ['target']);
    if (typeof buildTarget !== 'string' || buildTarget === '') {
      const last = target.dockerfile?.model.stages.at(-1)?.name ?? 'the last stage';
      context.report({ messageId: 'missingTarget', data: { last }, file, position: positionOf(file.doc, ['build', 'target']) });
    }
  },
});
