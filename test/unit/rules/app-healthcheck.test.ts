import rule from '../../../src/lint/rules/app-healthcheck';
import { APP_TAIL, withAppTail } from './dockerfile-cases';
import { ruleTester } from './rule-tester';

const [user, expose, , cmd] = APP_TAIL;

ruleTester(rule, {
  valid: [
    { name: 'a Python urllib health check' },
    {
      name: 'curl, installed in the app stage',
      files: withAppTail('RUN apt-get update && apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/*', user, expose, 'HEALTHCHECK CMD curl -f http://127.0.0.1:8000/ || exit 1', cmd),
    },
  ],
  invalid: [
    { name: 'no HEALTHCHECK', files: withAppTail(user, expose, cmd), errors: [{ messageId: 'missing', file: 'Dockerfile', line: 8, column: 1 }] },
    { name: 'curl on a slim image', files: withAppTail(user, expose, 'HEALTHCHECK --interval=5s CMD curl -f http://127.0.0.1:8000/ || exit 1', cmd), errors: [{ messageId: 'missingTool', line: 13, column: 1, includes: 'curl' }] },
    { name: 'wget in exec form', files: withAppTail(user, expose, 'HEALTHCHECK CMD ["wget", "-qO-", "http://127.0.0.1:8000/"]', cmd), errors: [{ messageId: 'missingTool', line: 13, includes: 'wget' }] },
    { name: 'HEALTHCHECK NONE', files: withAppTail(user, expose, 'HEALTHCHECK NONE', cmd), errors: [{ messageId: 'disabled', line: 13 }] },
  ],
});
