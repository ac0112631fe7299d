import { getPath, isRecord, scalarText, valuePositionOf } from '../../jsonc';
import { defineRule } from '../rule';

export default defineRule({
  id: 'option-default-valid',
  meta: {
    description: 'Make each option\'s default one of its enum values, of the option\'s type.',
    rationale:
      'VS Code preselects the default and apply uses it when nothing is chosen. A default outside the enum is a value the author declared impossible. The templates spec types every default as a string (its own example is `"type": "boolean", "default": "false"`) and the features spec allows a string or a boolean, so a boolean option may default to true, false, "true" or "false"; anything else (1, "yes") is neither value the picker offers, and a string option with a number or boolean default is not a string.',
    severity: 'error',
    group: 'spec',
    scope: 'source',
    appliesTo: ['template', 'feature'],
    messages: {
      notInEnum: 'The default {{value}} of option "{{name}}" is not one of its enum values ({{values}}). Use one of them.',
      typeMismatch: 'Option "{{name}}" is of type {{type}}, but its default {{value}} is {{actual}}. Write {{fixed}}.',
    },
  },
  check(target, context) {
    const file = target.metadata;
    const options = getPath(file?.doc.value, ['options']);
    if (!file || !isRecord(options)) return;
    for (const [name, spec] of Object.entries(options)) {
      const defaultText = isRecord(spec) ? scalarText(spec.default) : undefined;
      // A default that is not a scalar is metadata-schema's to report.
      if (!isRecord(spec) || defaultText === undefined) continue;
      const position = valuePositionOf(file.doc, ['options', name, 'default']);
      const value = JSON.stringify(spec.default);
      if (spec.type === 'boolean' && !['true', 'false'].includes(defaultText)) {
        // A string "false" is what the templates spec writes, and apply substitutes it as "false" (a JSON
        // false would be written as an empty string: option-default-falsy).
        const fixed = target.kind === 'template' ? '"true" or "false"' : 'true or false';
        context.report({ messageId: 'typeMismatch', data: { name, type: 'boolean', value, actual: 'neither true nor false', fixed }, file, position });
      } else if (spec.type === 'string' && typeof spec.default !== 'string') {
        context.report({ messageId: 'typeMismatch', data: { name, type: 'string', value, actual: `a ${typeof spec.default}`, fixed: JSON.stringify(defaultText) }, file, position });
      }
      if (Array.isArray(spec.enum) && !spec.enum.map(scalarText).includes(defaultText)) {
        context.report({ messageId: 'notInEnum', data: { name, value, values: spec.enum.map((v) => JSON.stringify(v) ?? 'null').join(', ') }, file, position });
      }
    }
  },
});
