import rule from '../../../src/lint/rules/no-secrets-in-build-args';
import { APP_HEAD, APP_TAIL, BASE, BUILDER, DEVELOPMENT, dockerfile } from './dockerfile-cases';
import { ruleTester } from './rule-tester';

const withBase = (...lines: string[]) => dockerfile([...BASE, ...lines], BUILDER, DEVELOPMENT, APP_HEAD, APP_TAIL);

ruleTester(rule, {
  valid: [
    { name: 'no credentials' },
    { name: 'a path to a secret is not one', files: withBase('ENV GOOGLE_APPLICATION_CREDENTIAL_FILE=/run/secrets/gcp', 'ARG TOKEN_PATH=/run/secrets/token') },
    { name: 'an index URL without credentials', files: withBase('ARG PIP_INDEX_URL=https://mirror.example/simple') },
  ],
  invalid: [
    { name: 'ARG GITHUB_TOKEN', files: withBase('ARG GITHUB_TOKEN'), errors: [{ messageId: 'secretName', file: 'Dockerfile', line: 4, column: 5, includes: 'recorded in the image history' }] },
    { name: 'ENV with a password, second property', files: withBase('ENV APP_ENV=prod DB_PASSWORD=hunter2'), errors: [{ messageId: 'secretName', line: 4, column: 18, includes: 'stored in the image' }] },
    { name: 'an index URL with user:password', files: withBase('ARG PIP_INDEX_URL=https://ci:s3cret@pypi.example/simple'), errors: [{ messageId: 'secretValue', line: 4, column: 5, includes: 'a password in a URL' }] },
    { name: 'a GitHub token value', files: withBase(`ENV X=ghp_${'a'.repeat(36)}`), errors: [{ messageId: 'secretValue', line: 4, includes: 'a token' }] },
  ],
});
