import rule from '../../../src/lint/rules/from-args-declared';
import { APP_HEAD, APP_TAIL, BUILDER, DEVELOPMENT, dockerfile } from './dockerfile-cases';
import { ruleTester } from './rule-tester';

const withFrom = (from: string, ...before: string[]) => dockerfile(before, [`FROM ${from} AS base`], BUILDER, DEVELOPMENT, APP_HEAD, APP_TAIL);

ruleTester(rule, {
  valid: [
    { name: 'an ARG with an option default before the first FROM' },
    { name: 'a fallback written in the FROM', files: withFrom('python:${V:-3.11}-slim') },
    { name: 'an automatic platform ARG', files: withFrom('--platform=$BUILDPLATFORM python:3.11-slim') },
    { name: 'no variable at all', files: withFrom('python:3.11-slim-bookworm') },
  ],
  invalid: [
    { name: 'an ARG never declared', files: withFrom('${BASE}'), errors: [{ messageId: 'undeclared', file: 'Dockerfile', line: 1, column: 1, includes: 'uses $BASE, which no ARG before the first FROM declares' }] },
    { name: 'an ARG declared without a default', files: withFrom('python:${V}-slim', 'ARG V'), errors: [{ messageId: 'noDefault', line: 2, includes: 'and no build arg passes it' }] },
    {
      name: 'an ARG the dev container passes but docker build of the app does not',
      files: {
        ...withFrom('python:${PYTHON_VERSION}-slim', 'ARG PYTHON_VERSION'),
        '.devcontainer/devcontainer.json': '{ "build": { "dockerfile": "../Dockerfile", "context": "..", "target": "development", "args": { "PYTHON_VERSION": "3.11" } } }',
      },
      errors: [{ messageId: 'noDefault', line: 2, includes: 'the dev container passes it as a build arg' }],
    },
  ],
});
