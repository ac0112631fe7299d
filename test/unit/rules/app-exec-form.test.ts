import rule from '../../../src/lint/rules/app-exec-form';
import { APP_TAIL, withAppTail } from './dockerfile-cases';
import { ruleTester } from './rule-tester';

const head = APP_TAIL.slice(0, 3);

ruleTester(rule, {
  valid: [
    { name: 'CMD in exec form' },
    { name: 'exec-form ENTRYPOINT with a shell-form CMD as its arguments', files: withAppTail(...head, 'ENTRYPOINT ["tini", "--"]', 'CMD gunicorn app:app') },
  ],
  invalid: [
    { name: 'shell-form CMD', files: withAppTail(...head, 'CMD gunicorn --workers 2 app:app'), errors: [{ messageId: 'shellForm', file: 'Dockerfile', line: 14, column: 1, includes: 'CMD ["gunicorn", "--workers", "2", "app:app"]' }] },
    { name: 'shell-form ENTRYPOINT', files: withAppTail(...head, 'ENTRYPOINT ./start.sh'), errors: [{ messageId: 'shellForm', line: 14, includes: 'ENTRYPOINT ["./start.sh"]' }] },
    { name: 'no command at all', files: withAppTail(...head), errors: [{ messageId: 'missing', line: 8 }] },
  ],
});
