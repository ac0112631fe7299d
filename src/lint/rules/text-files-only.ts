import { MAX_TEXT_FILE_BYTES } from '../../pack';
import { defineRule } from '../rule';

export default defineRule({
  id: 'text-files-only',
  meta: {
    description: 'Keep templates and features to readable text files under 1 MiB.',
    rationale:
      'Templates are applied by text substitution and features are shell scripts and JSON; a binary or huge file is almost always an accident (a build output, an archive, a virtual environment) that every user would download, and an unreadable file fails publishing halfway.',
    severity: 'error',
    group: 'spec',
    scope: 'source',
    appliesTo: ['template', 'feature'],
    messages: {
      unreadable: '{{path}} cannot be read ({{detail}}). Fix its permissions.',
      binary: '{{path}} is a binary file; templates are applied by text substitution. Remove it or generate it at build time.',
      tooLarge: '{{path}} is {{detail}}, over the {{limit}} limit for template files. Keep large assets out of the template.',
    },
  },
  check(target, context) {
    for (const skipped of target.skipped) {
      const data = { path: skipped.relPath || '.', detail: skipped.detail ?? '', limit: `${MAX_TEXT_FILE_BYTES / 1024 / 1024} MiB` };
      const file = { displayPath: skipped.displayPath };
      if (skipped.reason === 'unreadable') context.report({ messageId: 'unreadable', data, file });
      else if (skipped.reason === 'binary') context.report({ messageId: 'binary', data, file });
      else if (skipped.reason === 'too-large') context.report({ messageId: 'tooLarge', data, file });
    }
  },
});
