import rule from '../../../src/lint/rules/devcontainer-config-present';
import { ruleTester } from './rule-tester';

ruleTester(rule, {
  valid: [
    { name: '.devcontainer/devcontainer.json' },
    {
      name: '.devcontainer.json at the root',
      files: { '.devcontainer/devcontainer.json': null, '.devcontainer.json': '{ "build": { "dockerfile": "Dockerfile", "target": "development" } }' },
    },
    { name: 'features need none', kind: 'feature' },
  ],
  invalid: [
    {
      name: 'no devcontainer.json anywhere',
      files: { '.devcontainer': null },
      errors: [{ messageId: 'missing', file: '.' }],
    },
  ],
});
