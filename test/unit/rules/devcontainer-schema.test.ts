import rule from '../../../src/lint/rules/devcontainer-schema';
import { ruleTester } from './rule-tester';

const config = (body: string) => ({ '.devcontainer/devcontainer.json': `{\n  "build": { "dockerfile": "../Dockerfile", "context": "..", "target": "development" },\n${body}\n}\n` });

ruleTester(rule, {
  valid: [
    { name: 'the fixture' },
    { name: 'lifecycle commands as a string, a list and an object', files: config('  "postCreateCommand": "pip install -e .",\n  "postStartCommand": ["git", "status"],\n  "postAttachCommand": { "a": "echo a", "b": ["echo", "b"] }') },
    { name: 'ports as numbers and host:port strings, features as objects', files: config('  "forwardPorts": [8000, "db:5432"],\n  "features": { "ghcr.io/devcontainers/features/git:1": {} }') },
    { name: 'properties the reference does not list are left to their tools', files: config('  "customizations": { "vscode": { "extensions": ["ms-python.python"] } },\n  "someNewSetting": 1') },
  ],
  invalid: [
    {
      name: 'a number where the Dockerfile path belongs',
      files: { '.devcontainer/devcontainer.json': '{\n  "build": { "dockerfile": 42, "target": "development" }\n}\n' },
      errors: [{ messageId: 'invalid', file: '.devcontainer/devcontainer.json', line: 2, column: 28, includes: '"build.dockerfile" must be string in devcontainer.json. Quote the value.' }],
    },
    { name: 'a quoted boolean', files: config('  "init": "true"'), errors: [{ messageId: 'invalid', line: 3, column: 11, includes: 'Write true or false without quotes' }] },
    { name: 'an unknown shutdown action', files: config('  "shutdownAction": "stop"'), errors: [{ messageId: 'invalid', line: 3, includes: 'must be one of "none", "stopContainer", "stopCompose"' }] },
    { name: 'a port list item of the wrong type', files: config('  "forwardPorts": [8000, true]'), errors: [{ messageId: 'invalid', line: 3, column: 26, includes: '"forwardPorts.1" must be integer or string' }] },
  ],
});
