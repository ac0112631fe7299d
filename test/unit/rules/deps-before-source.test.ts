import rule from '../../../src/lint/rules/deps-before-source';
import { APP_HEAD, APP_TAIL, BASE, DEVELOPMENT, dockerfile } from './dockerfile-cases';
import { ruleTester } from './rule-tester';

const withBuilder = (...lines: string[]) => dockerfile(BASE, ['FROM base AS builder', ...lines], DEVELOPMENT, APP_HEAD, APP_TAIL);
const INSTALL = 'RUN --mount=type=cache,target=/root/.cache/pip pip install -r requirements.txt';

ruleTester(rule, {
  valid: [
    { name: 'lock file, install, then source' },
    { name: 'a bind-mounted lock file', files: withBuilder('RUN --mount=type=bind,source=requirements.txt,target=/tmp/r.txt --mount=type=cache,target=/root/.cache/pip pip install -r /tmp/r.txt', 'COPY src/ ./') },
    { name: 'pyproject and poetry.lock first', files: withBuilder('COPY pyproject.toml poetry.lock ./', 'RUN poetry install --no-root', 'COPY . .') },
    { name: 'a glob of requirement files', files: withBuilder('COPY requirements*.txt ./', INSTALL) },
    // A manifest with a trailing * may be absent: `COPY requirements.txt* pyproject.toml* ./` takes whichever the project has.
    { name: 'manifests that may be absent (a trailing *)', files: withBuilder('COPY requirements.txt* pyproject.toml* Pipfile* ./', INSTALL, 'COPY . /build/project/') },
  ],
  invalid: [
    { name: 'a trailing * on a source file is no manifest', files: withBuilder('COPY app.py* ./', INSTALL), errors: [{ messageId: 'sourceBeforeInstall', line: 5 }] },
    { name: 'COPY . . before pip install', files: withBuilder('COPY . .', INSTALL), errors: [{ messageId: 'sourceBeforeInstall', file: 'Dockerfile', line: 5, column: 1, includes: 'line 6' }] },
    { name: 'the source folder before pipenv install', files: withBuilder('COPY Pipfile Pipfile.lock ./', 'COPY src/ ./src/', 'RUN pipenv install --deploy'), errors: [{ messageId: 'sourceBeforeInstall', line: 6, includes: '`COPY src/ ./src/`' }] },
    { name: 'the whole context bind-mounted into the install', files: withBuilder('RUN --mount=type=bind,target=/src --mount=type=cache,target=/root/.cache/pip pip install -r /src/requirements.txt'), errors: [{ messageId: 'bindAllInstall', line: 5 }] },
  ],
});
