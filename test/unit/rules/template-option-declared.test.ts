import rule from '../../../src/lint/rules/template-option-declared';
import { ruleTester } from './rule-tester';

ruleTester(rule, {
  valid: [
    { name: 'every placeholder declared' },
    { name: 'placeholders with spaces, as the CLI allows', files: { 'notes.txt': 'Python ${templateOption: pythonVersion }\n' } },
    { name: 'README.md is never applied, so its examples do not count', files: { 'README.md': 'Use ${templateOption:anything} in files.\n' } },
  ],
  invalid: [
    {
      name: 'an undeclared placeholder in the Dockerfile',
      files: { Dockerfile: 'ARG PYTHON_VERSION=${templateOption:pythonVersion}\nFROM python:${PYTHON_VERSION} AS base\nEXPOSE ${templateOption:port}\n' },
      errors: [{ messageId: 'undeclared', file: 'Dockerfile', line: 3, column: 8, includes: 'Declare "port"' }],
    },
    {
      name: 'a placeholder differing only in case',
      files: { '.devcontainer/test.sh': '#!/bin/sh\necho "${templateOption:pythonversion}"\n' },
      errors: [{ messageId: 'undeclared', file: '.devcontainer/test.sh', line: 2, column: 7, includes: 'did you mean "pythonVersion"' }],
    },
    {
      name: 'a hyphenated name the CLI never substitutes',
      files: { 'notes.txt': 'x\n  ${templateOption:python-version}\n' },
      errors: [{ messageId: 'neverSubstituted', file: 'notes.txt', line: 2, column: 3, includes: '"pythonVersion"' }],
    },
  ],
});
