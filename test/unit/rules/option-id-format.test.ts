import rule from '../../../src/lint/rules/option-id-format';
import { ruleTester } from './rule-tester';

const options = (ids: string[]) => `{\n  "id": "template",\n  "version": "1.0.0",\n  "name": "x",\n  "options": {\n${ids.map((id) => `    "${id}": { "type": "string", "default": "x" }`).join(',\n')}\n  }\n}\n`;

ruleTester(rule, {
  valid: [{ name: 'camelCase and snake_case', files: { 'devcontainer-template.json': options(['pythonVersion', 'extra_packages', 'v2']) } }],
  invalid: [
    { name: 'a hyphen in a template option', files: { 'devcontainer-template.json': options(['python-version']) }, errors: [{ messageId: 'badId', file: 'devcontainer-template.json', line: 6, column: 5, includes: 'Rename it "pythonVersion"' }] },
    { name: 'a dot in a feature option', kind: 'feature', files: { 'devcontainer-feature.json': options(['index.url']).replace('"template"', '"feature"') }, errors: [{ messageId: 'badId', line: 6, includes: 'environment variable' }] },
  ],
});
