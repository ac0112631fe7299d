import rule from '../../../src/lint/rules/option-default-valid';
import { ruleTester } from './rule-tester';

const option = (spec: string) => ({ 'devcontainer-template.json': `{\n  "id": "template",\n  "version": "1.0.0",\n  "name": "x",\n  "options": {\n    "o": ${spec}\n  }\n}\n` });

ruleTester(rule, {
  valid: [
    // The templates spec types defaults as strings; its own example is "type": "boolean", "default": "false".
    { name: 'a string default for a boolean, as the spec writes it', files: option('{ "type": "boolean", "default": "false" }') },
    { name: 'a default in the enum', files: option('{ "type": "string", "enum": ["a", "b"], "default": "b" }') },
    { name: 'a boolean default', files: option('{ "type": "boolean", "default": true }') },
    { name: 'proposals do not restrict the default', files: option('{ "type": "string", "proposals": ["a"], "default": "z" }') },
  ],
  invalid: [
    { name: 'a default outside the enum', files: option('{ "type": "string", "enum": ["3.11", "3.12"], "default": "3.10" }'), errors: [{ messageId: 'notInEnum', file: 'devcontainer-template.json', line: 6, column: 67, includes: '"3.11", "3.12"' }] },
    { name: 'a default for a boolean that is neither true nor false', files: option('{ "type": "boolean", "default": "yes" }'), errors: [{ messageId: 'typeMismatch', line: 6, column: 42, includes: 'Write "true" or "false"' }] },
    { name: 'a number default for a string', files: option('{ "type": "string", "default": 8000 }'), errors: [{ messageId: 'typeMismatch', line: 6, includes: 'Write "8000"' }] },
  ],
});
