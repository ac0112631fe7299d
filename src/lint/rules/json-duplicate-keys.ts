import { duplicateKeys } from '../../jsonc';
import type { JsoncFile } from '../../pack';
import { defineRule, isTemplate } from '../rule';

export default defineRule({
  id: 'json-duplicate-keys',
  meta: {
    description: 'Set each key once per object in devcontainer.json and the metadata.',
    rationale:
      'JSON parsers, the Dev Containers CLI\'s among them, keep the last of two equal keys and drop the first without a word (RFC 8259 section 4 leaves it undefined). A setting written twice is one the author believes is in effect but is not, usually after a merge or a copy-paste.',
    severity: 'warning',
    group: 'spec',
    scope: 'source',
    appliesTo: ['template', 'feature'],
    messages: {
      duplicate: '"{{key}}" is set twice in {{where}}: the value at line {{firstLine}} is ignored. Keep one.',
    },
  },
  check(target, context) {
    const files: (JsoncFile | undefined)[] = [target.metadata];
    if (isTemplate(target)) files.push(target.devcontainer);
    for (const file of files) {
      if (!file) continue;
      for (const d of duplicateKeys(file.doc)) {
        const where = d.path.length ? `"${d.path.join('.')}"` : 'the top-level object';
        context.report({ messageId: 'duplicate', data: { key: d.key, where, firstLine: d.first.line }, file, position: d.position });
      }
    }
  },
});
