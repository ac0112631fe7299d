import rule from '../../../src/lint/rules/metadata-version-semver';
import { ruleTester } from './rule-tester';

const withVersion = (version: string) => ({ 'devcontainer-template.json': `{\n  "id": "template",\n  "version": ${JSON.stringify(version)},\n  "name": "x"\n}\n` });

ruleTester(rule, {
  valid: [
    { name: '1.0.0', files: withVersion('1.0.0') },
    { name: '10.20.30 with build metadata', files: withVersion('10.20.30+build.5') },
  ],
  invalid: [
    { name: 'two components', files: withVersion('1.2'), errors: [{ messageId: 'notSemver', line: 3, column: 14, includes: '"1.2.0"' }] },
    { name: 'a v prefix', files: withVersion('v1.2.3'), errors: [{ messageId: 'notSemver', includes: '"1.2.3"' }] },
    { name: 'a leading zero', files: withVersion('01.2.3'), errors: [{ messageId: 'notSemver' }] },
    { name: 'a prerelease moves latest', files: withVersion('2.0.0-rc.1'), errors: [{ messageId: 'prerelease', line: 3, column: 14 }] },
  ],
});
