import { positionOf } from '../../jsonc';
import { templateOptions } from '../../pack';
import { findPlaceholders } from '../../template-options';
import { appliedFiles } from '../applied-files';
import { defineRule } from '../rule';

export default defineRule({
  id: 'template-option-used',
  meta: {
    description: 'Use every declared option in at least one applied file.',
    rationale:
      'An option no applied file uses is offered to every user in VS Code\'s template picker and then does nothing. README.md, NOTES.md and the metadata do not count: apply never copies them.',
    severity: 'warning',
    group: 'spec',
    scope: 'source',
    appliesTo: ['template'],
    messages: {
      unused: 'Option "{{name}}" is declared but no applied file contains ${templateOption:{{name}}}. Use it (for example as an ARG default in the Dockerfile) or remove it.',
    },
  },
  check(target, context) {
    const file = target.metadata;
    if (!file) return;
    const used = new Set(appliedFiles(target).flatMap((f) => findPlaceholders(f.text).map((u) => u.name)));
    for (const name of Object.keys(templateOptions(target))) {
      if (used.has(name)) continue;
      context.report({ messageId: 'unused', data: { name }, file, position: positionOf(file.doc, ['options', name]) });
    }
  },
});
