import { defineRule, isTemplate } from '../rule';
import type { JsoncFile } from '../../pack';

export default defineRule({
  id: 'jsonc-syntax',
  meta: {
    description: 'Keep devcontainer and metadata JSON files parseable (JSON with comments).',
    rationale:
      'devcontainer.json, devcontainer-template.json and devcontainer-feature.json are JSON with comments. A syntax error makes the Dev Containers CLI refuse the file (or, for metadata, refuse to publish), so it is reported with the exact line and column the parser stopped at.',
    severity: 'error',
    scope: 'applied',
    appliesTo: ['template', 'feature'],
    messages: {
      syntax: '{{file}} is not valid JSON with comments: {{error}}. Fix the syntax here (a missing comma, quote or bracket is the usual cause).',
    },
  },
  check(target, context) {
    const files: (JsoncFile | undefined)[] = [target.metadata];
    if (isTemplate(target)) files.push(target.devcontainer);
    for (const file of files) {
      if (!file) continue;
      for (const error of file.doc.errors) {
        context.report({ messageId: 'syntax', data: { file: file.relPath, error: error.code }, file, position: error.position });
      }
    }
  },
});
