import * as path from 'node:path';
import { findStage } from '../../dockerfile';
import { getPath, valuePositionOf } from '../../jsonc';
import { pathKind, resolveComposeFiles } from '../../pack';
import { shippedElsewhere } from './user-provided-files';
import { defineRule, isTemplate } from '../rule';

export default defineRule({
  id: 'compose-target-exists',
  meta: {
    description: 'For a compose-based dev container, name a compose file, a service of it and (if any) a target of its Dockerfile.',
    rationale:
      'With `dockerComposeFile` (a path relative to devcontainer.json) the CLI runs `docker compose up` and attaches to `service` (devcontainer.json reference, Docker Compose properties); the stage is chosen in the compose file (`services.<service>.build.target`). Invalid YAML, a missing service or a target that names no stage fails `devcontainer up`. A compose file the template does not ship is the user\'s (user-provided-files); whether the service builds a target at all is the shared-base convention\'s question (shared-base-target).',
    severity: 'error',
    group: 'spec',
    scope: 'applied',
    dockerfileReads: ['FROM'],
    configReads: ['devcontainer.dockerComposeFile', 'devcontainer.service', 'compose'],
    appliesTo: ['template'],
    messages: {
      missingFile: '"dockerComposeFile": "{{written}}" does not exist (resolved to {{relPath}}), but the template ships {{shipped}}. Paths are relative to the folder of devcontainer.json: write "{{fixed}}".',
      syntax: 'The compose file is not valid YAML: {{error}}.',
      noService: '"service" must name the compose service the dev container runs in; add "service": "dev" (a service of {{file}}).',
      unknownService: '"service": "{{service}}" is not a service of {{file}} (services: {{services}}).',
      unknownTarget: 'Service "{{service}}" builds target "{{target}}", which is not a stage of {{dockerfile}} (stages: {{stages}}).',
    },
  },
  check(target, context) {
    if (!isTemplate(target) || !target.devcontainer) return;
    const config = target.devcontainer;
    const files = resolveComposeFiles(target);
    if (!files.length) return;
    const referenced = new Set(files.map((f) => f.relPath));
    for (const file of files) {
      if (file.relPath === undefined || pathKind(target, file.relPath) === 'file') continue;
      // Shipped under another path: the author's slip. Not shipped at all: the user's own (user-provided-files).
      const shipped = shippedElsewhere(target, file.relPath, referenced);
      if (!shipped) continue;
      const fixed = path.posix.relative(path.posix.dirname(config.relPath), shipped);
      context.report({ messageId: 'missingFile', data: { written: file.written, relPath: file.relPath, shipped, fixed }, file: config, position: valuePositionOf(config.doc, file.jsonPath) });
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
    if (!service.build?.target) return;
    const dockerfile = target.dockerfile;
    if (dockerfile && service.build.target && !findStage(dockerfile.model, service.build.target)) {
      context.report({
        messageId: 'unknownTarget',
        data: { service: service.name, target: service.build.target, dockerfile: dockerfile.file.relPath, stages: dockerfile.model.stages.map((s) => s.name).filter(Boolean).join(', ') },
        file: compose.file,
        position: service.build.targetPosition ?? service.build.position,
      });
    }
  },
});
