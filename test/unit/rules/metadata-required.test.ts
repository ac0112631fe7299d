import rule from '../../../src/lint/rules/metadata-required';
import { ruleTester } from './rule-tester';

ruleTester(rule, {
  valid: [{ name: 'the minimal template' }, { name: 'the minimal feature', kind: 'feature' }],
  invalid: [
    {
      name: 'a template folder without devcontainer-template.json',
      files: { 'devcontainer-template.json': null },
      errors: [{ messageId: 'missingFile', file: '.', includes: 'devcontainer-template.json' }],
    },
    {
      name: 'metadata that is an array',
      files: { 'devcontainer-template.json': '[\n  "template"\n]\n' },
      errors: [{ messageId: 'notObject', file: 'devcontainer-template.json', line: 1, column: 1 }],
    },
    {
      name: 'no name and an empty version',
      files: { 'devcontainer-template.json': '{\n  "id": "template",\n  "version": ""\n}\n' },
      errors: [
        { messageId: 'missingField', line: 3, column: 3, includes: '"version"' },
        { messageId: 'missingField', line: 1, column: 1, includes: '"name"' },
      ],
    },
    {
      name: 'a feature whose id is a number',
      kind: 'feature',
      files: { 'devcontainer-feature.json': '{\n  "id": 7,\n  "version": "1.0.0",\n  "name": "x"\n}\n' },
      errors: [{ messageId: 'missingField', line: 2, column: 3, includes: 'features publish' }],
    },
  ],
});
