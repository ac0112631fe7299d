import rule from '../../../src/lint/rules/build-target-exists';
import { ruleTester } from './rule-tester';

const config = (text: string) => ({ '.devcontainer/devcontainer.json': text });

ruleTester(rule, {
  valid: [
    { name: 'target development exists' },
    { name: 'stage names compare case-insensitively', files: config('{ "build": { "dockerfile": "../Dockerfile", "target": "Development" } }') },
    { name: 'a compose-based config selects its target in the compose file', files: config('{ "dockerComposeFile": "compose.yaml", "service": "dev" }') },
  ],
  invalid: [
    {
      name: 'no target: the CLI would build the last stage, app',
      files: config('{\n  "build": { "dockerfile": "../Dockerfile", "context": ".." }\n}\n'),
      errors: [{ messageId: 'missingTarget', file: '.devcontainer/devcontainer.json', line: 2, column: 3, includes: '("app")' }],
    },
    {
      name: 'a target that names no stage',
      files: config('{\n  "build": {\n    "dockerfile": "../Dockerfile",\n    "target": "dev"\n  }\n}\n'),
      errors: [{ messageId: 'unknownTarget', line: 4, column: 15, includes: 'stages: base, builder, development, app' }],
    },
    {
      name: 'an image-based config does not share the base stage',
      files: config('{\n  "image": "python:3.11"\n}\n'),
      errors: [{ messageId: 'noBuild', line: 1, column: 1 }],
    },
  ],
});
