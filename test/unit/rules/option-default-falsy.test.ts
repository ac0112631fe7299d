import rule from '../../../src/lint/rules/option-default-falsy';
import { ruleTester } from './rule-tester';

const option = (spec: string) => ({ 'devcontainer-template.json': `{\n  "id": "template",\n  "version": "1.0.0",\n  "name": "x",\n  "options": {\n    "o": ${spec}\n  }\n}\n` });

ruleTester(rule, {
  valid: [{ name: 'a true default', files: option('{ "type": "boolean", "default": true }') }, { name: 'the string "false" of a boolean option, as the spec writes it (the fix of a false default)', files: option('{ "type": "boolean", "default": "false" }') }, { name: 'the string "false"', files: option('{ "type": "string", "enum": ["true", "false"], "default": "false" }') }],
  invalid: [
    { name: 'a false default', files: option('{ "type": "boolean", "default": false }'), errors: [{ messageId: 'falsy', file: 'devcontainer-template.json', line: 6, column: 42, includes: 'Write "default": "false", a string' }] },
    { name: 'an empty default', files: option('{ "type": "string", "default": "" }'), errors: [{ messageId: 'falsy', line: 6, includes: 'non-empty default' }] },
  ],
});
