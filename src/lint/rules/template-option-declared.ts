import { templateOptions } from '../../pack';
import { findNearPlaceholders, findPlaceholders } from '../../template-options';
import { appliedFiles } from '../applied-files';
import { defineRule } from '../rule';

export default defineRule({
  id: 'template-option-declared',
  meta: {
    description: 'Declare every ${templateOption:name} a template file uses.',
    rationale:
      '`devcontainer templates apply` replaces an undeclared `${templateOption:x}` with an empty string, without a word, and never replaces one whose name is not `\\w+` (a hyphen): either way the user gets a broken file.',
    severity: 'error',
    group: 'spec',
    scope: 'source',
    appliesTo: ['template'],
    messages: {
      undeclared: '${templateOption:{{name}}} is not declared in devcontainer-template.json, so apply replaces it with an empty string. Declare "{{name}}" under "options"{{suggestion}}.',
      neverSubstituted: '"{{text}}" is never substituted: the CLI only replaces names made of letters, digits and _. Rename the option (for example "{{fixed}}").',
    },
  },
  check(target, context) {
    const declared = new Set(Object.keys(templateOptions(target)));
    for (const file of appliedFiles(target)) {
      for (const use of findPlaceholders(file.text)) {
        if (declared.has(use.name)) continue;
        const close = [...declared].find((d) => d.toLowerCase() === use.name.toLowerCase());
        context.report({
          messageId: 'undeclared',
          data: { name: use.name, suggestion: close ? ` (or did you mean "${close}"? names are case-sensitive)` : '' },
          file,
          position: file.lines.positionAt(use.offset),
        });
      }
      for (const near of findNearPlaceholders(file.text)) {
        const name = near.text.slice('${templateOption:'.length, -1).trim();
        const fixed = name.replace(/[^A-Za-z0-9_]+(.)?/g, (_m, next?: string) => (next ? next.toUpperCase() : ''));
        context.report({ messageId: 'neverSubstituted', data: { text: near.text, fixed: fixed || 'optionName' }, file, position: file.lines.positionAt(near.offset) });
      }
    }
  },
});
