import rule from '../../../src/lint/rules/workdir-absolute';
import { APP_TAIL, withAppTail } from './dockerfile-cases';
import { ruleTester } from './rule-tester';

ruleTester(rule, {
  valid: [{ name: 'WORKDIR /app' }, { name: 'a variable', files: withAppTail('WORKDIR $APP_HOME', ...APP_TAIL) }],
  invalid: [
    { name: 'WORKDIR app', files: withAppTail('WORKDIR app', ...APP_TAIL), errors: [{ messageId: 'relative', file: 'Dockerfile', line: 11, column: 1, includes: '/app' }] },
    { name: 'WORKDIR ./src', files: withAppTail('WORKDIR ./src', ...APP_TAIL), errors: [{ messageId: 'relative', line: 11 }] },
  ],
});
