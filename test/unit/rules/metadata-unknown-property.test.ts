import rule from '../../../src/lint/rules/metadata-unknown-property';
import { ruleTester } from './rule-tester';

ruleTester(rule, {
  valid: [{ name: 'known properties only' }, { name: 'a $schema reference', files: { 'devcontainer-template.json': '{ "$schema": "x", "id": "template", "version": "1.0.0", "name": "x" }' } }],
  invalid: [
    { name: 'keyword for keywords', files: { 'devcontainer-template.json': '{\n  "id": "template",\n  "version": "1.0.0",\n  "name": "x",\n  "keyword": ["python"]\n}\n' }, errors: [{ messageId: 'unknown', file: 'devcontainer-template.json', line: 5, column: 3, includes: 'did you mean "keywords"' }] },
    { name: 'documentationUrl in a feature', kind: 'feature', files: { 'devcontainer-feature.json': '{\n  "id": "feature",\n  "version": "1.0.0",\n  "name": "x",\n  "documentationUrl": "https://x"\n}\n' }, errors: [{ messageId: 'unknown', line: 5, includes: 'did you mean "documentationURL"' }] },
  ],
});
