import rule from '../../../src/lint/rules/app-non-root-user';
import { APP_TAIL, BASE, BUILDER, DEVELOPMENT, dockerfile, withAppTail } from './dockerfile-cases';
import { ruleTester } from './rule-tester';

ruleTester(rule, {
  valid: [
    { name: 'USER 10001:10001 in the app stage' },
    { name: 'a named user set in base and inherited', files: dockerfile([...BASE, 'USER app'], BUILDER, DEVELOPMENT, ['FROM base AS app', ...APP_TAIL.slice(1)]) },
  ],
  invalid: [
    // lines: 1-3 base, 4-6 builder, 7 development, 8-10 app head, then the tail
    { name: 'no USER at all', files: withAppTail(...APP_TAIL.slice(1)), errors: [{ messageId: 'missing', file: 'Dockerfile', line: 8, column: 1 }] },
    { name: 'switching back to root at the end', files: withAppTail(...APP_TAIL, 'USER root'), errors: [{ messageId: 'root', line: 15, column: 1, includes: '"root"' }] },
    { name: 'USER 0', files: withAppTail('USER 0', ...APP_TAIL.slice(1)), errors: [{ messageId: 'root', line: 11, includes: '"0"' }] },
  ],
});
