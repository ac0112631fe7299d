import rule from '../../../src/lint/rules/declared-checks-valid';
import { ruleTester } from './rule-tester';

ruleTester(rule, {
  valid: [
    { name: 'no checks file' },
    {
      name: 'the three kinds, with comments',
      files: {
        '.devcontainer/stagepack-checks.json': '{\n  // ours\n  "checks": [\n    { "id": "deploy", "command": ["python", "manage.py", "check", "--deploy"], "outputExcludes": ["security\\\\.W018"] },\n    { "id": "no-db", "file": "/app/db.sqlite3", "exists": false },\n    { "id": "write", "http": "/notes", "method": "POST", "json": { "text": "{{nonce}}" }, "status": 201 }\n  ]\n}\n',
      },
    },
  ],
  invalid: [
    {
      name: 'a misspelt key, which would check nothing',
      files: { '.devcontainer/stagepack-checks.json': '{\n  "checks": [\n    { "id": "a", "command": ["true"], "outputMatch": ["x"] }\n  ]\n}\n' },
      errors: [{ messageId: 'invalid', file: '.devcontainer/stagepack-checks.json', line: 3, column: 39, includes: '"outputMatch" is not a key of a command check' }],
    },
    {
      name: 'a project file with a relative HTTP path',
      files: { '.devcontainer/project-checks.json': '{ "checks": [{ "id": "a", "http": "notes" }] }' },
      errors: [{ messageId: 'invalid', file: '.devcontainer/project-checks.json', line: 1, column: 35, includes: 'does not start with /' }],
    },
  ],
});
