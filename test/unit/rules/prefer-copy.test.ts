import rule from '../../../src/lint/rules/prefer-copy';
import { APP_TAIL, withAppTail } from './dockerfile-cases';
import { ruleTester } from './rule-tester';

ruleTester(rule, {
  valid: [
    { name: 'COPY only' },
    { name: 'ADD of a tar archive (unpacked on purpose)', files: withAppTail('ADD vendor.tar.gz /opt/vendor/', ...APP_TAIL) },
    { name: 'ADD of a URL', files: withAppTail('ADD https://example.com/tool.sh /usr/local/bin/', ...APP_TAIL) },
  ],
  invalid: [
    { name: 'ADD of local source', files: withAppTail('ADD . /app', ...APP_TAIL), errors: [{ messageId: 'useCopy', file: 'Dockerfile', line: 11, column: 1, includes: '`ADD .`' }] },
    { name: 'ADD --chown of a file', files: withAppTail('ADD --chown=10001 config.ini ./', ...APP_TAIL), errors: [{ messageId: 'useCopy', line: 11, includes: 'config.ini' }] },
  ],
});
