import rule from '../../../src/lint/rules/jsonc-syntax';
import { ruleTester } from './rule-tester';

ruleTester(rule, {
  valid: [
    { name: 'the minimal template' },
    { name: 'comments and a trailing comma are JSONC', files: { '.devcontainer/devcontainer.json': '// dev\n{\n  /* build */ "build": { "dockerfile": "../Dockerfile", "context": "..", "target": "development", },\n}\n' } },
    { name: 'the minimal feature', kind: 'feature' },
  ],
  invalid: [
    {
      name: 'a missing comma in devcontainer.json',
      files: { '.devcontainer/devcontainer.json': '{\n  "build": { "dockerfile": "../Dockerfile" "target": "development" }\n}\n' },
      errors: [{ messageId: 'syntax', file: '.devcontainer/devcontainer.json', line: 2, column: 44, includes: 'CommaExpected' }],
    },
    {
      name: 'an unclosed object in the template metadata',
      files: { 'devcontainer-template.json': '{\n  "id": "template",\n  "version": "1.0.0"\n' },
      errors: [{ messageId: 'syntax', file: 'devcontainer-template.json', line: 4, column: 1, includes: 'CloseBraceExpected' }],
    },
    {
      name: 'an unquoted value in feature metadata',
      kind: 'feature',
      files: { 'devcontainer-feature.json': '{\n  "id": feature\n}\n' },
      errors: [{ messageId: 'syntax', file: 'devcontainer-feature.json', line: 2, column: 9, includes: 'InvalidSymbol' }],
    },
  ],
});

/** The applied pass: what a user gets with each proposal, not only what the author wrote. */
ruleTester(rule, {
  valid: [{ name: 'every proposal keeps devcontainer.json valid', files: withPortOption(['8000', '8080']) }],
  invalid: [
    {
      name: 'a proposal with a quote breaks devcontainer.json when applied',
      files: withPortOption(['8000', '80"80']),
      errors: [{ messageId: 'syntaxAfterApply', file: '.devcontainer/devcontainer.json', line: 3, column: 30, includes: 'With port="80\\"80": .devcontainer/devcontainer.json is no longer valid JSON once' }],
    },
    {
      name: 'a default with a backslash breaks it for everyone',
      files: withPortOption(['8000'], '80\\\\80'),
      errors: [{ messageId: 'syntaxAfterApply', line: 3, includes: 'apply does not escape values' }],
    },
  ],
});

function withPortOption(proposals: string[], defaultValue = '8000'): Record<string, string> {
  return {
    'devcontainer-template.json': JSON.stringify({ id: 'template', version: '1.0.0', name: 'x', options: { pythonVersion: { type: 'string', default: '3.11' }, port: { type: 'string', proposals, default: defaultValue.replace(/\\\\/g, '\\') } } }),
    '.devcontainer/devcontainer.json': '{\n  "build": { "dockerfile": "../Dockerfile", "context": "..", "target": "development" },\n  "containerEnv": { "PORT": "${templateOption:port}", "X": "1" }\n}\n',
  };
}
