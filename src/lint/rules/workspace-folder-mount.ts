import * as path from 'node:path';
import { getPath, positionOf, valuePositionOf } from '../../jsonc';
import { defineRule, isTemplate } from '../rule';

export default defineRule({
  id: 'workspace-folder-mount',
  meta: {
    description: 'Open the dev container in the folder where the workspace is mounted.',
    rationale:
      'workspaceFolder is where VS Code opens and where `devcontainer exec` runs; the source is wherever workspaceMount (or, with compose, the service\'s volume) puts it. When they disagree, the editor opens an empty folder and every command runs outside the project. A compose volume may mount the project itself (`..:/workspace` from .devcontainer/) or its parent folder (`../..:/workspaces`, as devcontainers/templates do), which puts the project at `/workspaces/<folder name>`, the `${localWorkspaceFolderBasename}` of devcontainer.json (compose files cannot expand that variable; devcontainer.json can).',
    severity: 'error',
    group: 'spec',
    scope: 'applied',
    configReads: ['devcontainer.workspaceFolder', 'devcontainer.workspaceMount', 'devcontainer.service', 'devcontainer.dockerComposeFile', 'compose'],
    appliesTo: ['template'],
    messages: {
      mountWithoutFolder: '"workspaceMount" is set but "workspaceFolder" is not; the spec requires both. Add "workspaceFolder": "{{target}}".',
      folderOutsideMount: '"workspaceFolder": "{{folder}}" is not inside the mount target "{{target}}", so it will not contain the project. Make them agree.',
      folderWithoutMount: '"workspaceFolder": "{{folder}}" is set without "workspaceMount", but the workspace is mounted at /workspaces/${localWorkspaceFolderBasename}. Add a matching "workspaceMount" or drop workspaceFolder.',
      composeFolderMissing: 'A compose-based dev container needs "workspaceFolder" (the path where service "{{service}}" mounts the project, e.g. "{{example}}").',
      composeNoMount: '"workspaceFolder": "{{folder}}" is not inside any volume of service "{{service}}" that mounts the project folder ({{mounts}}). Add `{{volume}}` to its volumes in {{composeFile}}.',
    },
  },
  check(target, context) {
    if (!isTemplate(target) || !target.devcontainer) return;
    const file = target.devcontainer;
    const config = file.doc.value;
    const folder = getPath(config, ['workspaceFolder']);
    const inside = (child: string, parent: string) => {
      const rel = path.posix.relative(parent, child);
      return rel === '' || (!rel.startsWith('..') && !path.posix.isAbsolute(rel));
    };
    if (target.compose) {
      const service = target.compose.service;
      if (!service) return;
      // Where the project lands in the container, for each volume whose source is the project folder or its
      // parent, relative to the compose file as compose resolves it.
      const composeDir = path.posix.dirname(target.compose.file.relPath);
      const projectMounts = service.volumes.flatMap((v) => {
        const at = projectPathIn(composeDir, v.source, v.target);
        return at ? [{ written: `${v.source}:${v.target}`, at }] : [];
      });
      if (typeof folder !== 'string') {
        context.report({ messageId: 'composeFolderMissing', data: { service: service.name, example: projectMounts[0]?.at ?? '/workspaces/app' }, file, position: positionOf(file.doc, ['service']) });
        return;
      }
      if (!projectMounts.some((m) => inside(folder, m.at))) {
        const up = path.posix.relative(composeDir, '.') || '.';
        // A folder under /workspaces/${localWorkspaceFolderBasename} is reached by mounting the parent folder.
        const volume = folder.startsWith(BASENAME_FOLDER) ? `- ${up === '.' ? '..' : `${up}/..`}:/workspaces:cached` : `- ${up}:${folder}:cached`;
        context.report({
          messageId: 'composeNoMount',
          data: { folder, service: service.name, mounts: projectMounts.map((m) => m.written).join(', ') || 'none', volume, composeFile: target.compose.file.relPath },
          file,
          position: valuePositionOf(file.doc, ['workspaceFolder']),
        });
      }
      return;
    }
    const mount = getPath(config, ['workspaceMount']);
    if (typeof mount === 'string') {
      const mountTarget = /(?:^|,)\s*(?:target|dst|destination)=([^,]+)/.exec(mount)?.[1]?.trim();
      if (typeof folder !== 'string') context.report({ messageId: 'mountWithoutFolder', data: { target: mountTarget ?? '/workspace' }, file, position: positionOf(file.doc, ['workspaceMount']) });
      else if (mountTarget && !inside(folder, mountTarget)) context.report({ messageId: 'folderOutsideMount', data: { folder, target: mountTarget }, file, position: valuePositionOf(file.doc, ['workspaceFolder']) });
    } else if (typeof folder === 'string' && !inside(folder, BASENAME_FOLDER)) {
      context.report({ messageId: 'folderWithoutMount', data: { folder }, file, position: valuePositionOf(file.doc, ['workspaceFolder']) });
    }
  },
});

const BASENAME_FOLDER = '/workspaces/${localWorkspaceFolderBasename}';

/**
 * Where a compose volume puts the project in the container, or undefined when its source is neither the
 * project folder nor its parent (a named volume, another folder). `composeDir` is the compose file's folder
 * inside the template, which is the root of the user's project once applied.
 */
export function projectPathIn(composeDir: string, source: string, target: string): string | undefined {
  if (source.includes('${localWorkspaceFolder}')) return source.replace(/^\$\{localWorkspaceFolder\}\/?/, '') === '' ? target : undefined;
  if (!/^\.{1,2}(\/|$)/.test(source)) return undefined;
  const rel = path.posix.normalize(path.posix.join(composeDir, source)).replace(/\/$/, '');
  if (rel === '.') return target;
  if (rel === '..') return `${target.replace(/\/$/, '')}/\${localWorkspaceFolderBasename}`;
  return undefined;
}
