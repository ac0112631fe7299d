import rule from '../../../src/lint/rules/no-alpine-python';
import { APP_HEAD, APP_TAIL, BUILDER, DEVELOPMENT, dockerfile } from './dockerfile-cases';
import { ruleTester } from './rule-tester';

const withFrom = (from: string) => dockerfile([`FROM ${from} AS base`], BUILDER, DEVELOPMENT, APP_HEAD, APP_TAIL);

ruleTester(rule, {
  valid: [{ name: 'slim bookworm' }, { name: 'a name containing alpine that is not Alpine', files: withFrom('example/alpinelike-python:3.11') }],
  invalid: [
    { name: 'python alpine', files: withFrom('python:3.11-alpine'), errors: [{ messageId: 'alpine', file: 'Dockerfile', line: 1, column: 1 }] },
    { name: 'a versioned alpine', files: withFrom('python:3.12-alpine3.20'), errors: [{ messageId: 'alpine', line: 1 }] },
    { name: 'plain alpine', files: withFrom('alpine:3.20'), errors: [{ messageId: 'alpine', line: 1 }] },
  ],
});
