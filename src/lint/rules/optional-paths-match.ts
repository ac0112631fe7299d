import { getPath, valuePositionOf } from '../../jsonc';
import { defineRule } from '../rule';

export default defineRule({
  id: 'optional-paths-match',
  meta: {
    description: 'Make every optionalPaths entry name a file or folder (dir/*) of the template.',
    rationale:
      'optionalPaths lists what a user may leave out when applying (`--omit-paths`); an entry that matches nothing offers a choice that does nothing, usually because a file was renamed.',
    severity: 'warning',
    group: 'spec',
    scope: 'source',
    appliesTo: ['template'],
    messages: {
      noMatch: 'optionalPaths entry "{{entry}}" matches no file of the template. Fix the path (a file, or a folder as "folder/*").',
    },
  },
  check(target, context) {
    const file = target.metadata;
    const entries = getPath(file?.doc.value, ['optionalPaths']);
    if (!file || !Array.isArray(entries)) return;
    const paths = target.files.map((f) => f.relPath).concat(target.skipped.map((s) => s.relPath));
    entries.forEach((entry, index) => {
      if (typeof entry !== 'string') return;
      const normalized = entry.replace(/^\.\//, '');
      const matches = normalized.endsWith('/*') ? paths.some((p) => p.startsWith(normalized.slice(0, -1))) : paths.includes(normalized);
      if (!matches) context.report({ messageId: 'noMatch', data: { entry }, file, position: valuePositionOf(file.doc, ['optionalPaths', index]) });
    });
  },
});
