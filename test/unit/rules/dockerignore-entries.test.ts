import rule from '../../../src/lint/rules/dockerignore-entries';
import { ruleTester } from './rule-tester';

ruleTester(rule, {
  valid: [
    { name: 'the four entries' },
    { name: 'broader patterns', files: { '.dockerignore': '**/.git\n/.env*\n.venv/\n**/__pycache__\n' } },
    { name: 'an allow list', files: { '.dockerignore': '*\n!src/\n!requirements.txt\n' } },
  ],
  invalid: [
    { name: 'no .dockerignore', files: { '.dockerignore': null }, errors: [{ messageId: 'missing', file: '.' }] },
    { name: 'only .git', files: { '.dockerignore': '# context\n.git\n' }, errors: [
      { messageId: 'notExcluded', file: '.dockerignore', line: 1, column: 1, includes: '.env' },
      { messageId: 'notExcluded', includes: '.venv' },
      { messageId: 'notExcluded', includes: '__pycache__' },
    ] },
  ],
});
