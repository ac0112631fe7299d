import rule from '../../../src/lint/rules/text-encoding';
import { ruleTester } from './rule-tester';

ruleTester(rule, {
  valid: [
    { name: 'the UTF-8 fixture' },
    { name: 'a real U+FFFD character written in UTF-8', files: { 'NOTES.md': 'Replacement: \ufffd\n' } },
  ],
  invalid: [
    { name: 'a byte order mark in devcontainer.json', files: { '.devcontainer/devcontainer.json': '\ufeff{ "build": { "dockerfile": "../Dockerfile", "target": "development" } }\n' }, errors: [{ messageId: 'bom', file: '.devcontainer/devcontainer.json', line: 1, column: 1 }] },
    // "café" saved as Latin-1: 0xE9 is not UTF-8.
    { name: 'Latin-1 bytes in a README', files: { 'README.md': Buffer.from('# Caf\xe9\nline two\n', 'latin1') }, errors: [{ messageId: 'undecodable', file: 'README.md', line: 1, column: 6 }] },
  ],
});
