import rule from '../../../src/lint/rules/metadata-id-matches-folder';
import { ruleTester } from './rule-tester';

ruleTester(rule, {
  valid: [
    { name: 'id equals the folder name' },
    { name: 'a feature whose id equals its folder', kind: 'feature' },
    { name: 'a missing id is metadata-required\'s to report', files: { 'devcontainer-template.json': '{ "version": "1.0.0", "name": "x" }' } },
  ],
  invalid: [
    {
      name: 'a template folder renamed without its id',
      folderName: 'flask-app',
      errors: [{ messageId: 'mismatch', file: 'devcontainer-template.json', line: 2, column: 9, includes: 'Rename the folder to "template"' }],
    },
    {
      name: 'a feature whose id has a typo',
      kind: 'feature',
      files: { 'devcontainer-feature.json': '{\n  "id": "featrue",\n  "version": "1.0.0",\n  "name": "x"\n}\n' },
      errors: [{ messageId: 'mismatch', line: 2, column: 9, includes: '"featrue"' }],
    },
  ],
});
