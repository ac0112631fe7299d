import { valuePositionOf } from '../../jsonc';
import { pathKind, resolveBuildPaths } from '../../pack';
import { defineRule, isTemplate } from '../rule';

export default defineRule({
  id: 'build-paths-resolve',
  meta: {
    description: 'Point build.dockerfile and build.context at a file and folder inside the template.',
    rationale:
      '`build.dockerfile` and `build.context` are relative to the folder of devcontainer.json. A path that does not exist fails `devcontainer up`; a path that leaves the template folder works on the author\'s machine and breaks for every user, because only the template folder is published.',
    severity: 'error',
    scope: 'applied',
    appliesTo: ['template'],
    messages: {
      outside: '"{{field}}": "{{written}}" leaves the template folder; only the template is published, so users will not have it. Use a path inside the template (relative to .devcontainer/).',
      missingDockerfile: '"build.dockerfile": "{{written}}" does not exist (resolved to {{relPath}}). Paths are relative to the folder of devcontainer.json: for a root Dockerfile write "../Dockerfile".',
      missingContext: '"build.context": "{{written}}" is not a folder in the template (resolved to {{relPath}}). Use ".." for the workspace root.',
    },
  },
  check(target, context) {
    if (!isTemplate(target) || !target.devcontainer) return;
    const paths = resolveBuildPaths(target);
    if (!paths) return;
    const doc = target.devcontainer.doc;
    const file = target.devcontainer;
    for (const [entry, field] of [[paths.dockerfile, 'build.dockerfile'], [paths.context, 'build.context']] as const) {
      const position = valuePositionOf(doc, entry.jsonPath);
      if (entry.relPath === undefined) {
        context.report({ messageId: 'outside', data: { field, written: entry.written }, file, position });
        continue;
      }
      const kind = pathKind(target, entry.relPath);
      if (entry === paths.dockerfile && kind !== 'file') {
        context.report({ messageId: 'missingDockerfile', data: { written: entry.written, relPath: entry.relPath || '.' }, file, position });
      } else if (entry === paths.context && kind !== 'folder') {
        context.report({ messageId: 'missingContext', data: { written: entry.written, relPath: entry.relPath || '.' }, file, position });
      }
    }
  },
});
