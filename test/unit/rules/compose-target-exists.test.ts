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
    { name: 'a compose file the template does not ship is the user\'s own', files: { '.devcontainer/devcontainer.json': COMPOSE_CONFIG } },
    { name: 'extending the project\'s own compose file (devcontainers/templates docker-existing-docker-compose)', files: { '.devcontainer/devcontainer.json': devcontainer('  "dockerComposeFile": ["../compose.yaml", "compose.yaml"],\n  "service": "dev"'), '.devcontainer/compose.yaml': GOOD } },
    { name: 'a service that runs an image is the shared-base convention\'s question', files: { '.devcontainer/devcontainer.json': COMPOSE_CONFIG, '.devcontainer/compose.yaml': compose('    image: python:3.11') } },
    { name: 'no target either', files: { '.devcontainer/devcontainer.json': COMPOSE_CONFIG, '.devcontainer/compose.yaml': compose('    build:\n      context: ..') } },
    { name: 'a list of compose files', files: { '.devcontainer/devcontainer.json': devcontainer('  "dockerComposeFile": ["compose.yaml"],\n  "service": "dev"'), '.devcontainer/compose.yaml': GOOD } },
  ],
  invalid: [
    { name: 'a compose file written relative to the template root', files: { '.devcontainer/devcontainer.json': COMPOSE_CONFIG.replace('"compose.yaml"', '"../compose.yaml"'), '.devcontainer/compose.yaml': GOOD }, errors: [{ messageId: 'missingFile', file: '.devcontainer/devcontainer.json', line: 2, column: 24, includes: 'write "compose.yaml"' }] },
    { name: 'an unknown service', files: { '.devcontainer/devcontainer.json': COMPOSE_CONFIG.replace('"dev"', '"app"'), '.devcontainer/compose.yaml': GOOD }, errors: [{ messageId: 'unknownService', line: 3, column: 14, includes: 'services: dev, db' }] },
    { name: 'a target that is no stage', files: { '.devcontainer/devcontainer.json': COMPOSE_CONFIG, '.devcontainer/compose.yaml': compose('    build:\n      context: ..\n      target: dev') }, errors: [{ messageId: 'unknownTarget', file: '.devcontainer/compose.yaml', line: 5, column: 15, includes: 'base, builder, development, app' }] },
    { name: 'broken YAML', files: { '.devcontainer/devcontainer.json': COMPOSE_CONFIG, '.devcontainer/compose.yaml': 'services:\n  dev: [\n' }, errors: [{ messageId: 'syntax', file: '.devcontainer/compose.yaml', line: 3 }] },
  ],
});
