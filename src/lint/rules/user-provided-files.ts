import * as path from 'node:path';
import { valuePositionOf } from '../../jsonc';
import { pathKind, resolveBuildPaths, resolveComposeFiles, type LoadedTarget } from '../../pack';
import { defineRule, isTemplate } from '../rule';

/**
 * A file of the template with the same name as a path that does not exist, when there is exactly one and
 * no other entry already names it: the author wrote the path wrong. None: the path names a file the user's
 * project brings (as `["../docker-compose.yml", "docker-compose.yml"]` extends the project's own compose file).
 */
export function shippedElsewhere(target: LoadedTarget, relPath: string, referenced: ReadonlySet<string | undefined> = new Set()): string | undefined {
  const name = path.posix.basename(relPath);
  const same = target.files.filter((f) => path.posix.basename(f.relPath) === name && f.relPath !== relPath);
  return same.length === 1 && !referenced.has(same[0].relPath) ? same[0].relPath : undefined;
}

export default defineRule({
  id: 'user-provided-files',
  meta: {
    description: 'Say in the README which files the template expects the user\'s project to provide.',
    rationale:
      'A template is applied into the user\'s project, so devcontainer.json may name a Dockerfile or compose file that the template does not ship and the project already has (devcontainers/templates\' docker-existing-dockerfile and docker-existing-docker-compose do): valid by the spec, and `devcontainer up` works when the project has it. Lint cannot check those files; it names them so that the README says they must exist. A path that leaves the project folder (`../../x` from .devcontainer/) depends on where the user keeps the project.',
    severity: 'info',
    group: 'spec',
    scope: 'applied',
    configReads: ['devcontainer.build', 'devcontainer.dockerComposeFile'],
    appliesTo: ['template'],
    messages: {
      notShipped: '"{{field}}": "{{written}}" names {{relPath}}, which the template does not ship: the user\'s project must provide it. Say so in README.md, or add the file to the template.',
      outside: '"{{field}}": "{{written}}" leaves the project folder the template is applied to, so it depends on what lies beside the user\'s project. Say so in README.md, or use a path inside the template.',
    },
  },
  check(target, context) {
    if (!isTemplate(target) || !target.devcontainer) return;
    const file = target.devcontainer;
    const paths = resolveBuildPaths(target);
    const entries = [
      ...(paths ? [{ entry: paths.dockerfile, field: 'build.dockerfile', kind: 'file' as const }, { entry: paths.context, field: 'build.context', kind: 'folder' as const }] : []),
      ...resolveComposeFiles(target).map((entry) => ({ entry, field: 'dockerComposeFile', kind: 'file' as const })),
    ];
    const referenced = new Set(entries.map((e) => e.entry.relPath));
    for (const { entry, field, kind } of entries) {
      // (Positions are looked up only for a report: the tree of a variant's devcontainer.json is made on demand.)
      if (entry.relPath === undefined) context.report({ messageId: 'outside', data: { field, written: entry.written }, file, position: valuePositionOf(file.doc, entry.jsonPath) });
      else if (pathKind(target, entry.relPath) === undefined && !(kind === 'file' && shippedElsewhere(target, entry.relPath, referenced))) {
        context.report({ messageId: 'notShipped', data: { field, written: entry.written, relPath: entry.relPath }, file, position: valuePositionOf(file.doc, entry.jsonPath) });
      }
    }
  },
});
