import rule from '../../../src/lint/rules/build-paths-resolve';
import { ruleTester } from './rule-tester';

const config = (build: string) => ({ '.devcontainer/devcontainer.json': `{\n  "build": ${build}\n}\n` });

ruleTester(rule, {
  valid: [
    { name: 'root Dockerfile and context' },
    { name: 'a Dockerfile beside devcontainer.json', files: { '.devcontainer/Dockerfile': 'FROM scratch AS base\n', ...config('{ "dockerfile": "Dockerfile", "target": "development" }') } },
    { name: 'no build section (image-based)', files: { '.devcontainer/devcontainer.json': '{ "image": "python:3.11" }' } },
  ],
  invalid: [
    {
      name: 'a Dockerfile path written relative to the template root',
      files: config('{ "dockerfile": "Dockerfile", "context": "..", "target": "development" }'),
      errors: [{ messageId: 'missingDockerfile', file: '.devcontainer/devcontainer.json', line: 2, column: 28, includes: '"../Dockerfile"' }],
    },
    {
      name: 'a context that leaves the template',
      files: config('{ "dockerfile": "../Dockerfile", "context": "../..", "target": "development" }'),
      errors: [{ messageId: 'outside', line: 2, column: 56, includes: '"build.context": "../.."' }],
    },
    {
      name: 'a context folder that does not exist',
      files: config('{ "dockerfile": "../Dockerfile", "context": "../app", "target": "development" }'),
      errors: [{ messageId: "missingContext", line: 2, column: 56 }],
    },
  ],
});
