import rule from '../../../src/lint/rules/metadata-schema';
import { ruleTester } from './rule-tester';

const template = (body: string) => ({ 'devcontainer-template.json': `{\n  "id": "template",\n  "version": "1.0.0",\n  "name": "x",\n${body}\n}\n` });
const option = (spec: string) => template(`  "options": {\n    "pythonVersion": ${spec}\n  }`);

ruleTester(rule, {
  valid: [
    { name: 'the minimal template' },
    { name: 'every documented field', files: template('  "description": "d",\n  "documentationURL": "https://example.com",\n  "publisher": "p",\n  "keywords": ["a"],\n  "platforms": ["Python"],\n  "optionalPaths": [".github/*"],\n  "options": { "pythonVersion": { "type": "string", "enum": ["3.11"], "default": "3.11", "description": "v" } }') },
    { name: 'the minimal feature', kind: 'feature' },
    { name: 'a missing name is metadata-required\'s', files: { 'devcontainer-template.json': '{ "id": "template", "version": "1.0.0" }' } },
  ],
  invalid: [
    { name: 'an option typed number', files: option('{ "type": "number", "default": "3.11" }'), errors: [{ messageId: 'invalid', file: 'devcontainer-template.json', line: 6, column: 32, includes: '"options.pythonVersion.type" must be one of "string", "boolean". Options are strings' }] },
    { name: 'an option without default', files: option('{ "type": "string" }'), errors: [{ messageId: 'invalid', line: 6, column: 22, includes: 'has no "default"' }] },
    { name: 'proposals and enum together', files: option('{ "type": "string", "default": "3.11", "proposals": ["3.11"], "enum": ["3.11"] }'), errors: [{ messageId: 'invalid', line: 6, includes: 'not both' }] },
    { name: 'keywords as a string', files: template('  "keywords": "python"'), errors: [{ messageId: 'invalid', line: 5, column: 15, includes: '"keywords" must be array' }] },
    { name: 'an id with capitals', folderName: 'Template', files: { 'devcontainer-template.json': '{\n  "id": "Template",\n  "version": "1.0.0",\n  "name": "x"\n}\n' }, errors: [{ messageId: 'invalid', line: 2, column: 9, includes: 'lower-case letters' }] },
    { name: 'a feature installsAfter as an object', kind: 'feature', files: { 'devcontainer-feature.json': '{\n  "id": "feature",\n  "version": "1.0.0",\n  "name": "x",\n  "installsAfter": {}\n}\n' }, errors: [{ messageId: 'invalid', line: 5, column: 20, includes: '"installsAfter" must be array' }] },
  ],
});
