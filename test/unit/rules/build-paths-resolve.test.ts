import rule from '../../../src/lint/rules/build-paths-resolve';
import { ruleTester } from './rule-tester';

const config = (build: string) => ({ '.devcontainer/devcontainer.json': `{\n  "build": ${build}\n}\n` });

ruleTester(rule, {
  valid: [
    { name: 'root Dockerfile and context' },
    { name: 'a Dockerfile beside devcontainer.json', files: { '.devcontainer/Dockerfile': 'FROM scratch AS base\n', ...config('{ "dockerfile": "Dockerfile", "target": "development" }') } },
    { name: 'no build section (image-based)', files: { '.devcontainer/devcontainer.json': '{ "image": "python:3.11" }' } },
    { name: 'a Dockerfile the template does not ship is the user\'s (user-provided-files)', files: { Dockerfile: null, ...config('{ "dockerfile": "Dockerfile", "context": "..", "target": "development" }') } },
    { name: 'a context that leaves the template is user-provided-files\' to report', files: config('{ "dockerfile": "../Dockerfile", "context": "../..", "target": "development" }') },
    { name: 'a context folder the template does not ship', files: config('{ "dockerfile": "../Dockerfile", "context": "../app", "target": "development" }') },
  ],
  invalid: [
    {
      name: 'a Dockerfile path written relative to the template root',
      files: config('{ "dockerfile": "Dockerfile", "context": "..", "target": "development" }'),
      errors: [{ messageId: 'missingDockerfile', file: '.devcontainer/devcontainer.json', line: 2, column: 28, includes: '"../Dockerfile"' }],
    },
    {
      name: 'a context that is a file',
      files: config('{ "dockerfile": "../Dockerfile", "context": "../Dockerfile", "target": "development" }'),
      errors: [{ messageId: 'contextIsFile', line: 2, column: 56 }],
    },
  ],
});
