import rule from '../../../src/lint/rules/duplicate-stage-name';
import { APP_HEAD, APP_TAIL, BASE, BUILDER, DEVELOPMENT, dockerfile } from './dockerfile-cases';
import { ruleTester } from './rule-tester';

ruleTester(rule, {
  valid: [{ name: 'every stage named once' }, { name: 'unnamed stages', files: dockerfile(BASE, ['FROM base', 'FROM base'], BUILDER, DEVELOPMENT, APP_HEAD, APP_TAIL) }],
  invalid: [
    { name: 'two builders', files: dockerfile(BASE, BUILDER, ['FROM base AS Builder'], DEVELOPMENT, APP_HEAD, APP_TAIL), errors: [{ messageId: 'duplicate', file: 'Dockerfile', line: 7, column: 14, includes: 'line 4' }] },
  ],
});
