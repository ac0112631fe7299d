import rule from '../../../src/lint/rules/jsonc-syntax';
import { ruleTester } from './rule-tester';

ruleTester(rule, {
  valid: [
    { name: 'the minimal template' },
    { name: 'comments and a trailing comma are JSONC', files: { '.devcontainer/devcontainer.json': '// dev\n{\n  /* build */ "build": { "dockerfile": "../Dockerfile", "context": "..", "target": "development", },\n}\n' } },
    { name: 'the minimal feature', kind: 'feature' },
  ],
  invalid: [
    {
      name: 'a missing comma in devcontainer.json',
      files: { '.devcontainer/devcontainer.json': '{\n  "build": { "dockerfile": "../Dockerfile" "target": "development" }\n}\n' },
      errors: [{ messageId: 'syntax', file: '.devcontainer/devcontainer.json', line: 2, column: 44, includes: 'CommaExpected' }],
    },
    {
      name: 'an unclosed object in the template metadata',
      files: { 'devcontainer-template.json': '{\n  "id": "template",\n  "version": "1.0.0"\n' },
      errors: [{ messageId: 'syntax', file: 'devcontainer-template.json', line: 4, column: 1, includes: 'CloseBraceExpected' }],
    },
    {
      name: 'an unquoted value in feature metadata',
      kind: 'feature',
      files: { 'devcontainer-feature.json': '{\n  "id": feature\n}\n' },
      errors: [
        { messageId: 'syntax', file: 'devcontainer-feature.json', line: 2, column: 9, includes: 'InvalidSymbol' },
        { messageId: 'syntax', file: 'devcontainer-feature.json', line: 3 },
      ],
    },
  ],
});
