import rule from '../../../src/lint/rules/stages-descend-from-base';
import { ruleTester } from './rule-tester';

ruleTester(rule, {
  valid: [
    { name: 'development and app from base' },
    { name: 'app through builder, development directly', files: { Dockerfile: 'FROM python:3.11-slim AS base\nFROM base AS builder\nFROM builder AS app\nFROM base AS development\n' } },
  ],
  invalid: [
    {
      name: 'a development stage from its own image',
      files: { Dockerfile: 'FROM python:3.11-slim AS base\nFROM base AS builder\n\nFROM python:3.11 AS development\nFROM base AS app\n' },
      errors: [{ messageId: 'notFromBase', file: 'Dockerfile', line: 4, column: 1, includes: '"python:3.11"' }],
    },
    {
      name: 'an app stage from a different chain',
      files: { Dockerfile: 'FROM python:3.11-slim AS base\nFROM base AS development\nFROM python:3.11 AS compile\nFROM compile AS app\n' },
      errors: [{ messageId: 'notFromBase', line: 4, column: 1, includes: '"compile" <- "python:3.11"' }],
    },
    {
      name: 'no app stage',
      files: { Dockerfile: 'FROM python:3.11-slim AS base\nFROM base AS development\n' },
      errors: [{ messageId: 'missingStage', line: 2, includes: 'FROM base AS app' }],
    },
  ],
});
