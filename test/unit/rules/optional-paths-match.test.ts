import rule from '../../../src/lint/rules/optional-paths-match';
import { ruleTester } from './rule-tester';

const metadata = (paths: string[]) => ({ 'devcontainer-template.json': `{\n  "id": "template",\n  "version": "1.0.0",\n  "name": "x",\n  "optionalPaths": [${paths.map((p) => JSON.stringify(p)).join(', ')}]\n}\n` });

ruleTester(rule, {
  valid: [{ name: 'a file and a folder', files: { ...metadata(['.devcontainer/*', 'Dockerfile']) } }],
  invalid: [
    { name: 'a renamed file', files: metadata(['Dockerfile', 'docker-compose.yml']), errors: [{ messageId: 'noMatch', file: 'devcontainer-template.json', line: 5, column: 35, includes: 'docker-compose.yml' }] },
    { name: 'an empty folder pattern', files: metadata(['.github/*']), errors: [{ messageId: 'noMatch', line: 5, column: 21 }] },
  ],
});
