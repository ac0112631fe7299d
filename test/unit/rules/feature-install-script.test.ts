import rule from '../../../src/lint/rules/feature-install-script';
import { ruleTester } from './rule-tester';

ruleTester(rule, {
  valid: [
    { name: 'an executable script with a shebang', kind: 'feature' },
    // The CLI runs `chmod +x ./install.sh` before `./install.sh` (devcontainers/features ships such scripts).
    { name: 'a script without the executable bit', kind: 'feature', notExecutable: ['install.sh'] },
    // A POSIX shell runs a script without a shebang itself (ENOEXEC).
    { name: 'a script without a shebang', kind: 'feature', files: { 'install.sh': 'set -e\n' }, notExecutable: ['install.sh'] },
  ],
  invalid: [{ name: 'no install.sh', kind: 'feature', files: { 'install.sh': null }, errors: [{ messageId: 'missing', file: '.' }] }],
});
