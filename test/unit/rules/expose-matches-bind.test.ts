import rule from '../../../src/lint/rules/expose-matches-bind';
import { APP_HEAD, APP_TAIL, BUILDER, DEVELOPMENT, dockerfile, withAppTail } from './dockerfile-cases';
import { ruleTester } from './rule-tester';

const [user, , health] = APP_TAIL;

ruleTester(rule, {
  valid: [
    { name: 'gunicorn on $PORT, EXPOSE the same' },
    { name: 'EXPOSE through a variable', files: withAppTail(user, 'EXPOSE ${PORT}', health, 'CMD ["gunicorn", "app:app"]') },
    { name: 'uvicorn with --host and --port', files: withAppTail(user, 'EXPOSE 8080/tcp', health, 'CMD ["uvicorn", "main:app", "--host", "0.0.0.0", "--port", "8080"]') },
    { name: 'streamlit on its default port', files: withAppTail(user, 'EXPOSE 8501', health, 'CMD ["streamlit", "run", "app.py"]') },
    { name: 'an unknown server is not guessed at', files: withAppTail(user, 'EXPOSE 9000', health, 'CMD ["./start.sh"]') },
  ],
  invalid: [
    { name: 'gunicorn --bind on another port', files: withAppTail(user, 'EXPOSE 8000', health, 'CMD ["gunicorn", "--bind", "0.0.0.0:8080", "app:app"]'), errors: [{ messageId: 'mismatch', file: 'Dockerfile', line: 12, column: 1, includes: 'listens on port 8080' }] },
    { name: 'no EXPOSE', files: withAppTail(user, health, 'CMD ["gunicorn", "app:app"]'), errors: [{ messageId: 'noExpose', line: 8, includes: 'EXPOSE 8000' }] },
    {
      name: 'gunicorn without PORT binds 127.0.0.1',
      files: dockerfile(['FROM python:3.11-slim-bookworm AS base', 'WORKDIR /app'], BUILDER, DEVELOPMENT, APP_HEAD, [user, 'EXPOSE 8000', health, 'CMD ["gunicorn", "app:app"]']),
      errors: [{ messageId: 'loopback', line: 7, includes: 'gunicorn listens on 127.0.0.1' }],
    },
    { name: 'uvicorn without --host', files: withAppTail(user, 'EXPOSE 8000', health, 'CMD ["uvicorn", "main:app"]'), errors: [{ messageId: 'loopback', line: 8, includes: '--host 0.0.0.0' }] },
  ],
});

/** Positions found in an applied variant land on the template's own text. */
ruleTester(rule, {
  valid: [],
  invalid: [
    {
      name: 'a port proposal that EXPOSE and the server disagree on, reported on the template line',
      files: {
        'devcontainer-template.json': JSON.stringify({ id: 'template', version: '1.0.0', name: 'x', options: { pythonVersion: { type: 'string', default: '3.11' }, port: { type: 'string', proposals: ['8000', '9000'], default: '8000' } } }),
        ...withAppTail(user, 'EXPOSE 8000', health, 'CMD ["gunicorn", "--bind", "0.0.0.0:${templateOption:port}", "app:app"]'),
      },
      errors: [{ messageId: 'mismatch', file: 'Dockerfile', line: 12, column: 1, includes: 'With port="9000": stagepack\'s shared-base convention: EXPOSE 8000, but gunicorn listens on port 9000' }],
    },
  ],
});
