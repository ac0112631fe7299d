import rule from '../../../src/lint/rules/compose-target-exists';
import { ruleTester } from './rule-tester';

const devcontainer = (body: string) => `{\n${body}\n}\n`;
const COMPOSE_CONFIG = devcontainer('  "dockerComposeFile": "compose.yaml",\n  "service": "dev",\n  "workspaceFolder": "/workspaces/app"');
const compose = (dev: string) => `services:\n  dev:\n${dev}\n  db:\n    image: postgres:16\n`;
const GOOD = compose('    build:\n      context: ..\n      target: development\n    volumes:\n      - ..:/workspaces/app:cached');

ruleTester(rule, {
  valid: [
    { name: 'a Dockerfile-based template has nothing to check' },
    { name: 'the service builds the development target', files: { '.devcontainer/devcontainer.json': COMPOSE_CONFIG, '.devcontainer/compose.yaml': GOOD } },
    { name: 'a list of compose files', files: { '.devcontainer/devcontainer.json': devcontainer('  "dockerComposeFile": ["compose.yaml"],\n  "service": "dev"'), '.devcontainer/compose.yaml': GOOD } },
  ],
  invalid: [
    { name: 'a missing compose file', files: { '.devcontainer/devcontainer.json': COMPOSE_CONFIG }, errors: [{ messageId: 'missingFile', file: '.devcontainer/devcontainer.json', line: 2, column: 24, includes: 'does not exist' }] },
    { name: 'the second file of a list is missing', files: { '.devcontainer/devcontainer.json': devcontainer('  "dockerComposeFile": ["compose.yaml", "compose.dev.yaml"],\n  "service": "dev"'), '.devcontainer/compose.yaml': GOOD }, errors: [{ messageId: 'missingFile', line: 2, column: 41 }] },
    { name: 'an unknown service', files: { '.devcontainer/devcontainer.json': COMPOSE_CONFIG.replace('"dev"', '"app"'), '.devcontainer/compose.yaml': GOOD }, errors: [{ messageId: 'unknownService', line: 3, column: 14, includes: 'services: dev, db' }] },
    { name: 'the service runs an image', files: { '.devcontainer/devcontainer.json': COMPOSE_CONFIG, '.devcontainer/compose.yaml': compose('    image: python:3.11') }, errors: [{ messageId: 'noBuild', file: '.devcontainer/compose.yaml', line: 2, column: 3 }] },
    { name: 'no target', files: { '.devcontainer/devcontainer.json': COMPOSE_CONFIG, '.devcontainer/compose.yaml': compose('    build:\n      context: ..') }, errors: [{ messageId: 'noTarget', file: '.devcontainer/compose.yaml', line: 4, column: 7 }] },
    { name: 'a target that is no stage', files: { '.devcontainer/devcontainer.json': COMPOSE_CONFIG, '.devcontainer/compose.yaml': compose('    build:\n      context: ..\n      target: dev') }, errors: [{ messageId: 'unknownTarget', file: '.devcontainer/compose.yaml', line: 5, column: 15, includes: 'base, builder, development, app' }] },
    { name: 'broken YAML', files: { '.devcontainer/devcontainer.json': COMPOSE_CONFIG, '.devcontainer/compose.yaml': 'services:\n  dev: [\n' }, errors: [{ messageId: 'syntax', file: '.devcontainer/compose.yaml', line: 3 }, { messageId: 'noBuild', line: 2 }] },
  ],
});
