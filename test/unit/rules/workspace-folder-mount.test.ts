import rule from '../../../src/lint/rules/workspace-folder-mount';
import { ruleTester } from './rule-tester';

const BUILD = '"build": { "dockerfile": "../Dockerfile", "context": "..", "target": "development" }';
const config = (lines: string[]) => ({ '.devcontainer/devcontainer.json': `{\n  ${[BUILD, ...lines].join(',\n  ')}\n}\n` });
const compose = (volumes: string) => `services:\n  dev:\n    build:\n      context: ..\n      target: development\n    volumes:\n${volumes}\n`;
const COMPOSE = (folder?: string) => ({ '.devcontainer/devcontainer.json': `{\n  "dockerComposeFile": "compose.yaml",\n  "service": "dev"${folder ? `,\n  "workspaceFolder": "${folder}"` : ''}\n}\n` });

ruleTester(rule, {
  valid: [
    { name: 'the default mount' },
    // devcontainers/templates mount the project's parent: the project lands at /workspaces/<its folder name>.
    { name: 'compose mounting the project\'s parent folder', files: { ...COMPOSE('/workspaces/${localWorkspaceFolderBasename}'), '.devcontainer/compose.yaml': compose('      - ../..:/workspaces:cached') } },
    { name: 'compose mounting the project by ${localWorkspaceFolder}', files: { ...COMPOSE('/src'), '.devcontainer/compose.yaml': compose('      - ${localWorkspaceFolder}:/src') } },
    { name: 'a custom mount and its folder', files: config(['"workspaceMount": "source=${localWorkspaceFolder},target=/src,type=bind"', '"workspaceFolder": "/src/app"']) },
    { name: 'a folder inside the default mount', files: config(['"workspaceFolder": "/workspaces/${localWorkspaceFolderBasename}/src"']) },
    { name: 'compose: the folder where the service mounts the project', files: { ...COMPOSE('/workspaces/app'), '.devcontainer/compose.yaml': compose('      - ..:/workspaces/app:cached') } },
  ],
  invalid: [
    { name: 'a mount without a folder', files: config(['"workspaceMount": "source=${localWorkspaceFolder},target=/src,type=bind"']), errors: [{ messageId: 'mountWithoutFolder', file: '.devcontainer/devcontainer.json', line: 3, column: 3, includes: '"/src"' }] },
    { name: 'a folder outside the mount', files: config(['"workspaceMount": "source=${localWorkspaceFolder},target=/src,type=bind"', '"workspaceFolder": "/app"']), errors: [{ messageId: 'folderOutsideMount', line: 4, column: 22 }] },
    { name: 'a folder without a mount', files: config(['"workspaceFolder": "/app"']), errors: [{ messageId: 'folderWithoutMount', line: 3, column: 22 }] },
    { name: 'compose without workspaceFolder', files: { ...COMPOSE(), '.devcontainer/compose.yaml': compose('      - ..:/workspaces/app:cached') }, errors: [{ messageId: 'composeFolderMissing', line: 3, column: 3, includes: '"/workspaces/app"' }] },
    {
      name: 'a basename folder without a mount: the fix mounts the parent, never a variable compose cannot expand',
      files: { ...COMPOSE('/workspaces/${localWorkspaceFolderBasename}'), '.devcontainer/compose.yaml': compose('      - data:/data') },
      errors: [{ messageId: 'composeNoMount', line: 4, column: 22, includes: 'Add `- ../..:/workspaces:cached` to its volumes in .devcontainer/compose.yaml' }],
    },
    { name: 'a grandparent mount does not hold the project at the folder', files: { ...COMPOSE('/workspaces/${localWorkspaceFolderBasename}'), '.devcontainer/compose.yaml': compose('      - ../../..:/workspaces') }, errors: [{ messageId: 'composeNoMount' }] },
    { name: 'compose with the folder elsewhere', files: { ...COMPOSE('/app'), '.devcontainer/compose.yaml': compose('      - ..:/workspaces/app:cached') }, errors: [{ messageId: 'composeNoMount', line: 4, column: 22, includes: '..:/workspaces/app' }] },
  ],
});
