import rule from '../../../src/lint/rules/no-symlinks';
import { ruleTester } from './rule-tester';

ruleTester(rule, {
  valid: [{ name: 'only regular files' }, { name: 'a feature with install.sh', kind: 'feature' }],
  invalid: [
    {
      name: 'a link leading outside the template',
      symlinks: { 'id_rsa': '../../../root/.ssh/id_rsa' },
      errors: [{ messageId: 'symlink', file: 'id_rsa', includes: '../../../root/.ssh/id_rsa' }],
    },
    {
      name: 'a link to a file inside the template',
      symlinks: { 'Dockerfile.dev': 'Dockerfile' },
      errors: [{ messageId: 'symlink', file: 'Dockerfile.dev' }],
    },
    {
      name: 'a FIFO',
      files: {},
      special: 'pipe',
      errors: [{ messageId: 'special', file: 'pipe' }],
    },
  ],
});
