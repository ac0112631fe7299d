import rule from '../../../src/lint/rules/app-no-build-tools';
import { APP_HEAD, APP_TAIL, BASE, BUILDER, DEVELOPMENT, dockerfile, withAppTail } from './dockerfile-cases';
import { ruleTester } from './rule-tester';

const apt = (packages: string) => `RUN apt-get update && apt-get install -y --no-install-recommends ${packages} && rm -rf /var/lib/apt/lists/*`;

ruleTester(rule, {
  valid: [
    { name: 'no packages in the app chain' },
    { name: 'a runtime library in app, its headers and gcc in the builder', files: dockerfile(BASE, [...BUILDER, apt('gcc libpq-dev')], DEVELOPMENT, [...APP_HEAD, apt('libpq5'), ...APP_TAIL]) },
    { name: 'compilers in the development stage only', files: dockerfile(BASE, BUILDER, [...DEVELOPMENT, apt('build-essential')], APP_HEAD, APP_TAIL) },
  ],
  invalid: [
    { name: 'gcc in the app stage', files: withAppTail(apt('gcc'), ...APP_TAIL), errors: [{ messageId: 'installed', file: 'Dockerfile', line: 11, column: 1, includes: 'gcc is installed in stage "app"' }] },
    { name: 'a -dev package in base', files: dockerfile([...BASE, apt('libpq-dev')], BUILDER, DEVELOPMENT, APP_HEAD, APP_TAIL), errors: [{ messageId: 'installed', line: 4, includes: 'libpq<soversion>' }] },
    {
      name: 'the full python image under app',
      files: dockerfile(['FROM python:3.11-bookworm AS base'], BUILDER, DEVELOPMENT, APP_HEAD, APP_TAIL),
      errors: [{ messageId: 'fullImage', line: 1, column: 1, includes: 'python:3.11-bookworm' }],
    },
  ],
});
