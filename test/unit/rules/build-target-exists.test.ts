import rule from '../../../src/lint/rules/build-target-exists';
import { ruleTester } from './rule-tester';

const config = (text: string) => ({ '.devcontainer/devcontainer.json': text });

ruleTester(rule, {
  valid: [
    { name: 'target development exists' },
    { name: 'stage names compare case-insensitively', files: config('{ "build": { "dockerfile": "../Dockerfile", "target": "Development" } }') },
    { name: 'a compose-based config selects its target in the compose file', files: config('{ "dockerComposeFile": "compose.yaml", "service": "dev" }') },
    { name: 'no target is the shared-base convention\'s question, not the spec\'s', files: config('{ "build": { "dockerfile": "../Dockerfile", "context": ".." } }') },
    { name: 'an image-based config is valid by the spec', files: config('{ "image": "python:3.11" }') },
  ],
  invalid: [
    {
      name: 'a target that names no stage',
      files: config('{\n  "build": {\n    "dockerfile": "../Dockerfile",\n    "target": "dev"\n  }\n}\n'),
      errors: [{ messageId: 'unknownTarget', line: 4, column: 15, includes: 'stages: base, builder, development, app' }],
    },
  ],
});
