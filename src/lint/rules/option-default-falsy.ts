import { getPath, isRecord, valuePositionOf } from '../../jsonc';
import { defineRule } from '../rule';

export default defineRule({
  id: 'option-default-falsy',
  meta: {
    description: 'Avoid template option defaults that apply turns into an empty string (false, "").',
    rationale:
      '`devcontainer templates apply` replaces a placeholder with an empty string when the value is falsy: a boolean option whose default is the JSON false writes "" rather than "false", so `if [ "${templateOption:x}" = "false" ]` is never true and JSON like `"flag": ${templateOption:x}` breaks. The string "false", which the templates spec uses for boolean defaults, is not falsy and is written as false.',
    severity: 'warning',
    group: 'spec',
    scope: 'source',
    appliesTo: ['template'],
    messages: {
      falsy: 'Option "{{name}}" defaults to {{value}}, which apply writes as an empty string (the CLI drops falsy values). {{fix}}',
    },
  },
  check(target, context) {
    const file = target.metadata;
    const options = getPath(file?.doc.value, ['options']);
    if (!file || !isRecord(options)) return;
    for (const [name, spec] of Object.entries(options)) {
      if (!isRecord(spec) || (spec.default !== false && spec.default !== '')) continue;
      const fix = spec.default === false
        ? 'Write "default": "false", a string as the templates spec types defaults: apply writes it as false.'
        : 'Give it a non-empty default, or make sure every file that uses it works with "".';
      context.report({ messageId: 'falsy', data: { name, value: JSON.stringify(spec.default), fix }, file, position: valuePositionOf(file.doc, ['options', name, 'default']) });
    }
  },
});
