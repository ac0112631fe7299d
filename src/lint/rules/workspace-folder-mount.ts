import * as path from 'node:path';
import { getPath, positionOf, valuePositionOf } from '../../jsonc';
import { defineRule, isTemplate } from '../rule';

export default defineRule({
  id: 'workspace-folder-mount',
  meta: {
    description: 'Open the dev container in the folder where the workspace is mounted.',
    rationale:
      'workspaceFolder is where VS Code opens and where `devcontainer exec` runs; the source is wherever workspaceMount (or, with compose, the service\'s volume) puts it. When they disagree, the editor opens an empty folder and every command runs outside the project.',
    severity: 'error',
    scope: 'applied',
    appliesTo: ['template'],
    messages: {
      mountWithoutFolder: '"workspaceMount" is set but "workspaceFolder" is not; the spec requires both. Add "workspaceFolder": "{{target}}".',
      folderOutsideMount: '"workspaceFolder": "{{folder}}" is not inside the mount target "{{target}}", so it will not contain the project. Make them agree.',
      folderWithoutMount: '"workspaceFolder": "{{folder}}" is set without "workspaceMount", but the workspace is mounted at /workspaces/${localWorkspaceFolderBasename}. Add a matching "workspaceMount" or drop workspaceFolder.',
      composeFolderMissing: 'A compose-based dev container needs "workspaceFolder" (the path where service "{{service}}" mounts the project, e.g. "{{example}}").',
      composeNoMount: '"workspaceFolder": "{{folder}}" is not inside any volume of service "{{service}}" that mounts the project folder ({{mounts}}). Add `- ..:{{folder}}:cached` to its volumes.',
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
      // Volumes whose source is the project folder: "." or ".." relative to the compose file, as written.
      const projectMounts = service.volumes.filter((v) => /^\.{1,2}\/?$/.test(v.source) || v.source.includes('localWorkspaceFolder'));
      if (typeof folder !== 'string') {
        context.report({ messageId: 'composeFolderMissing', data: { service: service.name, example: projectMounts[0]?.target ?? '/workspaces/app' }, file, position: positionOf(file.doc, ['service']) });
        return;
      }
      if (!projectMounts.some((v) => inside(folder, v.target))) {
        context.report({ messageId: 'composeNoMount', data: { folder, service: service.name, mounts: projectMounts.map((v) => `${v.source}:${v.target}`).join(', ') || 'none' }, file, position: valuePositionOf(file.doc, ['workspaceFolder']) });
      }
      return;
    }
    const mount = getPath(config, ['workspaceMount']);
    if (typeof mount === 'string') {
      const mountTarget = /(?:^|,)\s*(?:target|dst|destination)=([^,]+)/.exec(mount)?.[1]?.trim();
      if (typeof folder !== 'string') context.report({ messageId: 'mountWithoutFolder', data: { target: mountTarget ?? '/workspace' }, file, position: positionOf(file.doc, ['workspaceMount']) });
      else if (mountTarget && !inside(folder, mountTarget)) context.report({ messageId: 'folderOutsideMount', data: { folder, target: mountTarget }, file, position: valuePositionOf(file.doc, ['workspaceFolder']) });
    } else if (typeof folder === 'string' && !inside(folder, '/workspaces/${localWorkspaceFolderBasename}')) {
      context.report({ messageId: 'folderWithoutMount', data: { folder }, file, position: valuePositionOf(file.doc, ['workspaceFolder']) });
    }
  },
});
