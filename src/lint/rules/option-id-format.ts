import { isRecord, positionOf } from '../../jsonc';
import { getPath } from '../../jsonc';
import { defineRule } from '../rule';

export default defineRule({
  id: 'option-id-format',
  meta: {
    description: 'Name options with letters, digits and _ only.',
    rationale:
      '`devcontainer templates apply` substitutes `${templateOption:NAME}` with the pattern `\\w+?`: an option called "python-version" is never substituted, and files keep the literal placeholder. Features receive options as environment variables, which cannot hold a hyphen or a dot either.',
    severity: 'error',
    scope: 'source',
    appliesTo: ['template', 'feature'],
    messages: {
      badId: 'Option "{{name}}" contains characters other than letters, digits and _, so {{consequence}}. Rename it "{{fixed}}".',
    },
  },
  check(target, context) {
    const file = target.metadata;
    const options = getPath(file?.doc.value, ['options']);
    if (!file || !isRecord(options)) return;
    for (const name of Object.keys(options)) {
      if (/^\w+$/.test(name)) continue;
      const fixed = name.replace(/[^A-Za-z0-9_]+(.)?/g, (_m, next?: string) => (next ? next.toUpperCase() : '')) || 'option';
      const consequence = target.kind === 'template' ? `\${templateOption:${name}} is never substituted` : 'install.sh cannot receive it as an environment variable';
      context.report({ messageId: 'badId', data: { name, consequence, fixed }, file, position: positionOf(file.doc, ['options', name]) });
    }
  },
});
