import rule from '../../../src/lint/rules/template-option-used';
import { ruleTester } from './rule-tester';

const metadata = '{\n  "id": "template",\n  "version": "1.0.0",\n  "name": "x",\n  "options": {\n    "pythonVersion": { "type": "string", "default": "3.11" },\n    "port": { "type": "string", "default": "8000" }\n  }\n}\n';

ruleTester(rule, {
  valid: [
    { name: 'the one option is used in the Dockerfile' },
    { name: 'an option used only in devcontainer.json', files: { 'devcontainer-template.json': metadata, '.devcontainer/devcontainer.json': '{ "build": { "dockerfile": "../Dockerfile", "target": "development" }, "containerEnv": { "PORT": "${templateOption:port}" } }' } },
  ],
  invalid: [
    {
      name: 'a declared option no file uses',
      files: { 'devcontainer-template.json': metadata },
      errors: [{ messageId: 'unused', file: 'devcontainer-template.json', line: 7, column: 5, includes: '"port"' }],
    },
    {
      name: 'an option used only in README.md, which apply never copies',
      files: { 'devcontainer-template.json': metadata, 'README.md': 'Port: ${templateOption:port}\n' },
      errors: [{ messageId: 'unused', line: 7, column: 5 }],
    },
  ],
});
