import rule from '../../../src/lint/rules/shared-base-target';
import { ruleTester } from './rule-tester';

const config = (text: string) => ({ '.devcontainer/devcontainer.json': text });
const COMPOSE_CONFIG = '{\n  "dockerComposeFile": "compose.yaml",\n  "service": "dev",\n  "workspaceFolder": "/workspaces/app"\n}\n';
const compose = (dev: string) => `services:\n  dev:\n${dev}\n  db:\n    image: postgres:16\n`;

ruleTester(rule, {
  valid: [
    { name: 'the shipped template builds the development target' },
    { name: 'the compose service builds a target', files: { '.devcontainer/devcontainer.json': COMPOSE_CONFIG, '.devcontainer/compose.yaml': compose('    build:\n      context: ..\n      target: development') } },
    { name: 'a compose file the template does not ship has nothing to read', files: { '.devcontainer/devcontainer.json': COMPOSE_CONFIG } },
  ],
  invalid: [
    {
      name: 'no target: the CLI would build the last stage, app',
      files: config('{\n  "build": { "dockerfile": "../Dockerfile", "context": ".." }\n}\n'),
      errors: [{ messageId: 'missingTarget', file: '.devcontainer/devcontainer.json', line: 2, column: 3, includes: "stagepack's shared-base convention: \"build\" has no \"target\", so the CLI builds the last stage (\"app\")" }],
    },
    { name: 'an image-based config shares no Dockerfile', files: config('{\n  "image": "python:3.11"\n}\n'), errors: [{ messageId: 'noBuild', line: 1, column: 1 }] },
    { name: 'the compose service runs an image', files: { '.devcontainer/devcontainer.json': COMPOSE_CONFIG, '.devcontainer/compose.yaml': compose('    image: python:3.11') }, errors: [{ messageId: 'composeNoBuild', file: '.devcontainer/compose.yaml', line: 2, column: 3 }] },
    { name: 'the compose service builds no target', files: { '.devcontainer/devcontainer.json': COMPOSE_CONFIG, '.devcontainer/compose.yaml': compose('    build:\n      context: ..') }, errors: [{ messageId: 'composeNoTarget', file: '.devcontainer/compose.yaml', line: 4, column: 7 }] },
  ],
});
