import rule from '../../../src/lint/rules/dockerfile-base-stage';
import { ruleTester } from './rule-tester';

ruleTester(rule, {
  valid: [
    { name: 'a stage named base' },
    { name: 'AS BASE in capitals', files: { Dockerfile: 'FROM python:3.11-slim AS BASE\nFROM base AS development\nFROM base AS app\n' } },
  ],
  invalid: [
    {
      name: 'the shared stage is called runtime',
      files: { Dockerfile: '# shared\nFROM python:3.11-slim AS runtime\nFROM runtime AS development\nFROM runtime AS app\n' },
      errors: [{ messageId: 'missing', file: 'Dockerfile', line: 2, column: 1, includes: 'runtime, development, app' }],
    },
    {
      name: 'no Dockerfile and no devcontainer.json pointing at one',
      files: { Dockerfile: null, '.devcontainer': null },
      errors: [{ messageId: 'noDockerfile', file: '.' }],
    },
  ],
});
