import rule from '../../../src/lint/rules/option-id-format';
import { ruleTester } from './rule-tester';

const options = (ids: string[]) => `{\n  "id": "template",\n  "version": "1.0.0",\n  "name": "x",\n  "options": {\n${ids.map((id) => `    "${id}": { "type": "string", "default": "x" }`).join(',\n')}\n  }\n}\n`;

ruleTester(rule, {
  valid: [
    { name: 'camelCase and snake_case', files: { 'devcontainer-template.json': options(['pythonVersion', 'extra_packages', 'v2']) } },
    // The features spec turns ids into environment variables: python-version arrives as PYTHON_VERSION.
    { name: 'hyphens and dots in feature options', kind: 'feature', files: { 'devcontainer-feature.json': options(['python-version', 'index.url']).replace('"template"', '"feature"') } },
  ],
  invalid: [
    { name: 'a hyphen in a template option', files: { 'devcontainer-template.json': options(['python-version']) }, errors: [{ messageId: 'badId', file: 'devcontainer-template.json', line: 6, column: 5, includes: 'Rename it "pythonVersion"' }] },
    { name: 'two feature options that reach install.sh as one variable', kind: 'feature', files: { 'devcontainer-feature.json': options(['index-url', 'index_url']).replace('"template"', '"feature"') }, errors: [{ messageId: 'envClash', line: 7, column: 5, includes: 'both reach install.sh as $INDEX_URL' }] },
  ],
});
