import rule from '../../../src/lint/rules/pip-cache';
import { APP_HEAD, APP_TAIL, BASE, DEVELOPMENT, dockerfile } from './dockerfile-cases';
import { ruleTester } from './rule-tester';

const withBuilder = (...lines: string[]) => dockerfile(BASE, ['FROM base AS builder', 'COPY requirements.txt ./', ...lines], DEVELOPMENT, APP_HEAD, APP_TAIL);

ruleTester(rule, {
  valid: [
    { name: 'a cache mount for /root/.cache/pip' },
    { name: '--no-cache-dir', files: withBuilder('RUN pip install --no-cache-dir -r requirements.txt') },
    { name: 'PIP_NO_CACHE_DIR set in base', files: dockerfile([...BASE, 'ENV PIP_NO_CACHE_DIR=1'], ['FROM base AS builder', 'RUN pip install -r requirements.txt'], DEVELOPMENT, APP_HEAD, APP_TAIL) },
    { name: 'a cache mount in a non-root home', files: withBuilder('RUN --mount=type=cache,target=/home/dev/.cache/pip,uid=1000 pip install -r requirements.txt') },
    { name: 'pip --python into a venv, with a cache mount', files: withBuilder('RUN --mount=type=cache,target=/root/.cache/pip pip --python /opt/venv/bin/python install -r requirements.txt') },
    { name: 'pip list is not an install', files: withBuilder('RUN pip --python /opt/venv/bin/python list') },
  ],
  invalid: [
    { name: 'a bare pip install', files: withBuilder('RUN pip install -r requirements.txt'), errors: [{ messageId: 'uncached', file: 'Dockerfile', line: 6, column: 1 }] },
    { name: 'pip with general options before install (--python, -q)', files: withBuilder('RUN pip --python "/opt/venv/bin/python" -q install -r requirements.txt'), errors: [{ messageId: 'uncached', line: 6 }] },
    { name: 'python -m pip with a cache mount somewhere else', files: withBuilder('RUN --mount=type=cache,target=/var/cache/apt python -m pip install flask'), errors: [{ messageId: 'uncached', line: 6 }] },
  ],
});
