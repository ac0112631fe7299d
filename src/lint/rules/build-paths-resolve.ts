import * as path from 'node:path';
import { valuePositionOf } from '../../jsonc';
import { pathKind, resolveBuildPaths } from '../../pack';
import { defineRule, isTemplate } from '../rule';
import { shippedElsewhere } from './user-provided-files';

export default defineRule({
  id: 'build-paths-resolve',
  meta: {
    description: 'Point build.dockerfile at the Dockerfile the template ships, and build.context at a folder.',
    rationale:
      '`build.dockerfile` and `build.context` are relative to the folder of devcontainer.json (devcontainer.json reference, "build.dockerfile"). When the template ships the Dockerfile under another path, the path is the author\'s slip and `devcontainer up` fails for every user; when the template ships none, it is the user\'s own (user-provided-files). A context that is a file fails the build.',
    severity: 'error',
    group: 'spec',
    scope: 'applied',
    configReads: ['devcontainer.build'],
    appliesTo: ['template'],
    messages: {
      missingDockerfile: '"build.dockerfile": "{{written}}" does not exist (resolved to {{relPath}}), but the template ships {{shipped}}. Paths are relative to the folder of devcontainer.json: write "{{fixed}}".',
      contextIsFile: '"build.context": "{{written}}" is a file of the template (resolved to {{relPath}}), not a folder. Use ".." for the workspace root.',
    },
  },
  check(target, context) {
    if (!isTemplate(target) || !target.devcontainer) return;
    const paths = resolveBuildPaths(target);
    if (!paths) return;
    const file = target.devcontainer;
    const { dockerfile, context: buildContext } = paths;
    if (dockerfile.relPath !== undefined && pathKind(target, dockerfile.relPath) !== 'file') {
      const shipped = shippedElsewhere(target, dockerfile.relPath);
      if (shipped) {
        const fixed = path.posix.relative(path.posix.dirname(file.relPath), shipped);
        context.report({ messageId: 'missingDockerfile', data: { written: dockerfile.written, relPath: dockerfile.relPath || '.', shipped, fixed }, file, position: valuePositionOf(file.doc, dockerfile.jsonPath) });
      }
    }
    if (buildContext.relPath !== undefined && pathKind(target, buildContext.relPath) === 'file') {
      context.report({ messageId: 'contextIsFile', data: { written: buildContext.written, relPath: buildContext.relPath }, file, position: valuePositionOf(file.doc, buildContext.jsonPath) });
    }
  },
});
