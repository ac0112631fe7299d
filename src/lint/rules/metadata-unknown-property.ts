import { isRecord, positionOf } from '../../jsonc';
import { defineRule } from '../rule';
import { knownProperties } from '../schemas';

export default defineRule({
  id: 'metadata-unknown-property',
  meta: {
    description: 'Use only the metadata properties the spec defines.',
    rationale:
      'The CLI ignores unknown properties, so a typo ("keyword", "documentationUrl", "option") is published as if it were right and the setting it meant never takes effect.',
    severity: 'warning',
    group: 'spec',
    scope: 'source',
    appliesTo: ['template', 'feature'],
    messages: {
      unknown: '"{{name}}" is not a {{kind}} metadata property, so it is ignored{{suggestion}}.',
    },
  },
  check(target, context) {
    const file = target.metadata;
    if (!file || !isRecord(file.doc.value)) return;
    const known = knownProperties(target.kind);
    for (const name of Object.keys(file.doc.value)) {
      if (known.includes(name) || name === '$schema') continue;
      const close = known.find((k) => k.toLowerCase() === name.toLowerCase() || k === `${name}s` || `${k}s` === name);
      context.report({ messageId: 'unknown', data: { name, kind: target.kind, suggestion: close ? ` (did you mean "${close}"?)` : '' }, file, position: positionOf(file.doc, [name]) });
    }
  },
});
