import { defineRule, isTemplate } from '../rule';
import type { JsoncFile } from '../../pack';
import { MAX_JSON_DEPTH, TOO_DEEP } from '../../jsonc';

export default defineRule({
  id: 'jsonc-syntax',
  meta: {
    description: 'Keep devcontainer and metadata JSON files parseable (JSON with comments).',
    rationale:
      'devcontainer.json, devcontainer-template.json and devcontainer-feature.json are JSON with comments. A syntax error makes the Dev Containers CLI refuse the file (or, for metadata, refuse to publish), so it is reported with the exact line and column the parser stopped at.',
    severity: 'error',
    group: 'spec',
    scope: 'applied',
    configReads: ['devcontainer'],
    appliesTo: ['template', 'feature'],
    messages: {
      syntax: '{{file}} is not valid JSON with comments: {{error}}. Fix the syntax here (a missing comma, quote or bracket is the usual cause).',
      tooDeep: '{{file}} nests objects or arrays more than {{limit}} levels deep here, which no devcontainer or metadata file needs; it is not read further. Flatten it.',
      syntaxAfterApply: '{{file}} is no longer valid JSON once `devcontainer templates apply` substitutes the options ({{error}}): apply does not escape values, so a quote or backslash in one breaks the file. Keep such characters out of the option\'s values.',
    },
  },
  check(target, context) {
    const files: (JsoncFile | undefined)[] = [target.metadata];
    if (isTemplate(target)) files.push(target.devcontainer);
    for (const file of files) {
      if (!file) continue;
      // Only the first error: the parser's later complaints follow from it.
      const error = file.doc.errors[0];
      if (!error) continue;
      const substituted = target.files.some((f) => f.relPath === file.relPath && 'toSourcePosition' in f);
      const messageId = error.code === TOO_DEEP ? 'tooDeep' : substituted ? 'syntaxAfterApply' : 'syntax';
      context.report({ messageId, data: { file: file.relPath, error: error.code, limit: MAX_JSON_DEPTH }, file, position: error.position });
    }
  },
});
