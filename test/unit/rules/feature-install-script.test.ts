import rule from '../../../src/lint/rules/feature-install-script';
import { ruleTester } from './rule-tester';

ruleTester(rule, {
  valid: [{ name: 'an executable script with a shebang', kind: 'feature' }],
  invalid: [
    { name: 'no install.sh', kind: 'feature', files: { 'install.sh': null }, errors: [{ messageId: 'missing', file: '.' }] },
    { name: 'not executable', kind: 'feature', notExecutable: ['install.sh'], errors: [{ messageId: 'notExecutable', file: 'install.sh', line: 1, column: 1 }] },
    { name: 'no shebang', kind: 'feature', files: { 'install.sh': 'set -e\n' }, errors: [{ messageId: 'noShebang', file: 'install.sh', line: 1, column: 1 }] },
    { name: 'neither executable nor a shebang', kind: 'feature', files: { 'install.sh': 'set -e\n' }, notExecutable: ['install.sh'], errors: [{ messageId: 'notExecutable' }, { messageId: 'noShebang' }] },
  ],
});
