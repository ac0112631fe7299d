import rule from '../../../src/lint/rules/base-image-tag';
import { APP_HEAD, APP_TAIL, BUILDER, DEVELOPMENT, dockerfile } from './dockerfile-cases';
import { ruleTester } from './rule-tester';

const withFrom = (from: string, ...before: string[]) => dockerfile(before, [`FROM ${from} AS base`], BUILDER, DEVELOPMENT, APP_HEAD, APP_TAIL);

ruleTester(rule, {
  valid: [
    { name: 'a tag from an ARG set to an option default' },
    { name: 'a digest', files: withFrom(`python@sha256:${'a'.repeat(64)}`) },
    { name: 'a registry with a port and a tag', files: withFrom('registry.example:5000/python:3.11-slim') },
  ],
  invalid: [
    { name: 'no tag', files: withFrom('python'), errors: [{ messageId: 'untagged', file: 'Dockerfile', line: 1, column: 1 }] },
    { name: 'latest', files: withFrom('python:latest'), errors: [{ messageId: 'latest', line: 1 }] },
    { name: 'an ARG defaulting to latest', files: withFrom('python:${V}', 'ARG V=latest'), errors: [{ messageId: 'latest', line: 2, includes: 'python:latest' }] },
    { name: 'a registry port is not a tag', files: withFrom('registry.example:5000/python'), errors: [{ messageId: 'untagged', line: 1 }] },
  ],
});
