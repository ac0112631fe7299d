import rule from '../../../src/lint/rules/copy-from-known-stage';
import { APP_TAIL, withAppTail } from './dockerfile-cases';
import { ruleTester } from './rule-tester';

ruleTester(rule, {
  valid: [
    { name: 'COPY --from=builder' },
    { name: 'an image with a tag', files: withAppTail('COPY --from=ghcr.io/astral-sh/uv:0.5 /uv /bin/uv', ...APP_TAIL) },
    { name: 'a stage index before this one', files: withAppTail('COPY --from=1 /opt/venv /opt/venv', ...APP_TAIL) },
    { name: 'RUN --mount from an earlier stage', files: withAppTail('RUN --mount=type=bind,from=builder,source=/opt,target=/mnt ls /mnt', ...APP_TAIL) },
  ],
  invalid: [
    { name: 'a misspelt stage', files: withAppTail('COPY --from=buidler /opt/venv /opt/venv', ...APP_TAIL), errors: [{ messageId: 'unknown', file: 'Dockerfile', line: 11, column: 6, includes: 'base, builder, development' }] },
    { name: 'a later stage', files: withAppTail('COPY --from=assets /dist ./static', ...APP_TAIL, 'FROM base AS assets'), errors: [{ messageId: 'later', line: 11, includes: 'line 16' }] },
    { name: 'an index that is not before', files: withAppTail('COPY --from=3 /x /x', ...APP_TAIL), errors: [{ messageId: 'index', line: 11, includes: '0-2' }] },
    { name: 'RUN --mount from an unknown stage', files: withAppTail('RUN --mount=type=bind,from=nowhere,target=/mnt ls', ...APP_TAIL), errors: [{ messageId: 'unknown', line: 11, column: 1 }] },
  ],
});
