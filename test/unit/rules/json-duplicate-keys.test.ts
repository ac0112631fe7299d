import rule from '../../../src/lint/rules/json-duplicate-keys';
import { ruleTester } from './rule-tester';

ruleTester(rule, {
  valid: [
    { name: 'the fixture sets each key once' },
    { name: 'equal keys in different objects', files: { '.devcontainer/devcontainer.json': '{ "build": { "target": "development", "dockerfile": "../Dockerfile" }, "customizations": { "target": 1 } }' } },
  ],
  invalid: [
    {
      name: 'a key set twice, the first silently lost',
      files: { '.devcontainer/devcontainer.json': '{\n  "build": {\n    "dockerfile": "../Dockerfile",\n    "target": "app",\n    "target": "development"\n  }\n}\n' },
      errors: [{ messageId: 'duplicate', file: '.devcontainer/devcontainer.json', line: 5, column: 5, includes: '"target" is set twice in "build": the value at line 4 is ignored' }],
    },
    { name: 'twice at the top of the metadata', files: { 'devcontainer-template.json': '{ "id": "template", "version": "1.0.0", "name": "x", "version": "2.0.0" }' }, errors: [{ messageId: 'duplicate', file: 'devcontainer-template.json', includes: 'the top-level object' }] },
  ],
});
