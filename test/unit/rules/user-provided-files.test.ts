import rule from '../../../src/lint/rules/user-provided-files';
import { ruleTester } from './rule-tester';

const config = (build: string) => ({ '.devcontainer/devcontainer.json': `{\n  "build": ${build}\n}\n` });
const composeConfig = (files: string) => ({ '.devcontainer/devcontainer.json': `{\n  "dockerComposeFile": ${files},\n  "service": "dev",\n  "workspaceFolder": "/workspaces/app"\n}\n` });

ruleTester(rule, {
  valid: [
    { name: 'the shipped template names only its own files' },
    { name: 'a Dockerfile shipped under another path is build-paths-resolve\'s slip, not the user\'s file', files: config('{ "dockerfile": "Dockerfile", "context": "..", "target": "development" }') },
  ],
  invalid: [
    {
      name: 'an existing Dockerfile of the user\'s project (devcontainers/templates docker-existing-dockerfile)',
      files: { Dockerfile: null, ...config('{ "dockerfile": "Dockerfile", "context": ".." }') },
      errors: [{ messageId: 'notShipped', file: '.devcontainer/devcontainer.json', line: 2, column: 28, includes: 'names .devcontainer/Dockerfile' }],
    },
    {
      name: 'the project\'s own compose file, extended by one the template ships',
      files: { ...composeConfig('["../compose.yaml", "compose.yaml"]'), '.devcontainer/compose.yaml': 'services:\n  dev:\n    image: x\n' },
      errors: [{ messageId: 'notShipped', line: 2, column: 25, includes: 'names compose.yaml' }],
    },
    {
      name: 'a context outside the project folder',
      files: config('{ "dockerfile": "../Dockerfile", "context": "../..", "target": "development" }'),
      errors: [{ messageId: 'outside', line: 2, column: 56, includes: '"build.context": "../.."' }],
    },
  ],
});
