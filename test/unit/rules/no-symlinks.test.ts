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
      name: 'a binary file',
      files: { 'logo.bin': '\u0000\u0001PNG' },
      errors: [{ messageId: 'binary', file: 'logo.bin' }],
    },
    {
      name: 'a file over 1 MiB',
      files: { 'big.txt': 'x'.repeat(1024 * 1024 + 1) },
      errors: [{ messageId: 'tooLarge', file: 'big.txt', includes: '1048577 bytes' }],
    },
  ],
});
