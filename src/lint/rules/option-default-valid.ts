import { getPath, isRecord, scalarText, valuePositionOf } from '../../jsonc';
import { defineRule } from '../rule';

export default defineRule({
  id: 'option-default-valid',
  meta: {
    description: 'Make each option\'s default one of its enum values, of the option\'s type.',
    rationale:
      'VS Code preselects the default and apply uses it when nothing is chosen. A default outside the enum is a value the template author declared impossible; a string default for a boolean option (or the reverse) makes the generated files differ from what the picker shows.',
    severity: 'error',
    scope: 'source',
    appliesTo: ['template', 'feature'],
    messages: {
      notInEnum: 'The default {{value}} of option "{{name}}" is not one of its enum values ({{values}}). Use one of them.',
      typeMismatch: 'Option "{{name}}" is of type {{type}}, but its default {{value}} is a {{actual}}. Write {{fixed}}.',
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
      if (spec.type === 'boolean' && typeof spec.default !== 'boolean') {
        context.report({ messageId: 'typeMismatch', data: { name, type: 'boolean', value, actual: typeof spec.default, fixed: defaultText === 'true' ? 'true' : 'false' }, file, position });
      } else if (spec.type === 'string' && typeof spec.default !== 'string') {
        context.report({ messageId: 'typeMismatch', data: { name, type: 'string', value, actual: typeof spec.default, fixed: JSON.stringify(defaultText) }, file, position });
      }
      if (Array.isArray(spec.enum) && !spec.enum.map(scalarText).includes(defaultText)) {
        context.report({ messageId: 'notInEnum', data: { name, value, values: spec.enum.map((v) => JSON.stringify(v) ?? 'null').join(', ') }, file, position });
      }
    }
  },
});
