import rule from '../../../src/lint/rules/text-files-only';
import { ruleTester } from './rule-tester';

ruleTester(rule, {
  valid: [{ name: 'text files only' }, { name: 'a feature', kind: 'feature' }],
  invalid: [
    { name: 'a binary file', files: { 'logo.bin': '\u0000\u0001PNG' }, errors: [{ messageId: 'binary', file: 'logo.bin' }] },
    { name: 'a file over 1 MiB', files: { 'big.txt': 'x'.repeat(1024 * 1024 + 1) }, errors: [{ messageId: 'tooLarge', file: 'big.txt', includes: '1048577 bytes, over the 1 MiB limit' }] },
  ],
});
