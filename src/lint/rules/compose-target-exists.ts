import * as fs from 'node:fs';
import { findStage } from '../../dockerfile';
import { getPath, valuePositionOf } from '../../jsonc';
import { resolveComposeFiles } from '../../pack';
import { defineRule, isTemplate } from '../rule';

export default defineRule({
  id: 'compose-target-exists',
  meta: {
    description: 'For a compose-based dev container, build its service from the development target of the template\'s Dockerfile.',
    rationale:
      'With `dockerComposeFile`, the stage is chosen in the compose file (`services.<service>.build.target`), not in devcontainer.json. A missing compose file, service or target fails `devcontainer up`; a service started from a plain `image` does not share the Dockerfile\'s base stage at all.',
    severity: 'error',
    scope: 'applied',
    appliesTo: ['template'],
    messages: {
      missingFile: '"dockerComposeFile": "{{written}}" {{problem}}. Paths are relative to the folder of devcontainer.json.',
      syntax: 'The compose file is not valid YAML: {{error}}.',
      noService: '"service" must name the compose service the dev container runs in; add "service": "dev" (a service of {{file}}).',
      unknownService: '"service": "{{service}}" is not a service of {{file}} (services: {{services}}).',
      noBuild: 'Service "{{service}}" starts from an image, not from the Dockerfile, so the dev container does not share the base stage. Give it `build: {context: .., target: development}`.',
      noTarget: 'Service "{{service}}" builds without a target, so it gets the last stage of the Dockerfile. Add `target: development` under build.',
      unknownTarget: 'Service "{{service}}" builds target "{{target}}", which is not a stage of {{dockerfile}} (stages: {{stages}}).',
    },
  },
  check(target, context) {
    if (!isTemplate(target) || !target.devcontainer) return;
    const config = target.devcontainer;
    const files = resolveComposeFiles(target);
    if (!files.length) return;
    for (const file of files) {
      const problem = file.relPath === undefined ? 'leaves the template folder, which is all that is published' : !fs.existsSync(file.absPath) ? `does not exist (resolved to ${file.relPath})` : undefined;
      if (problem) context.report({ messageId: 'missingFile', data: { written: file.written, problem }, file: config, position: valuePositionOf(config.doc, file.jsonPath) });
    }
    const compose = target.compose;
    if (!compose) return;
    for (const error of compose.model.errors) context.report({ messageId: 'syntax', data: { error: error.message }, file: compose.file, position: error.position });
    const serviceName = getPath(config.doc.value, ['service']);
    const services = compose.model.services.map((s) => s.name).join(', ') || 'none';
    if (typeof serviceName !== 'string') {
      context.report({ messageId: 'noService', data: { file: compose.file.relPath }, file: config, position: valuePositionOf(config.doc, ['dockerComposeFile']) });
      return;
    }
    const service = compose.service;
    if (!service) {
      context.report({ messageId: 'unknownService', data: { service: serviceName, file: compose.file.relPath, services }, file: config, position: valuePositionOf(config.doc, ['service']) });
      return;
    }
    if (!service.build) {
      context.report({ messageId: 'noBuild', data: { service: service.name }, file: compose.file, position: service.position });
      return;
    }
    if (!service.build.target) {
      context.report({ messageId: 'noTarget', data: { service: service.name }, file: compose.file, position: service.build.position });
      return;
    }
    const dockerfile = target.dockerfile;
    if (dockerfile && !findStage(dockerfile.model, service.build.target)) {
      context.report({
        messageId: 'unknownTarget',
        data: { service: service.name, target: service.build.target, dockerfile: dockerfile.file.relPath, stages: dockerfile.model.stages.map((s) => s.name).filter(Boolean).join(', ') },
        file: compose.file,
        position: service.build.targetPosition ?? service.build.position,
      });
    }
  },
});
