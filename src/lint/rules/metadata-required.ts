import { isRecord, positionOf } from '../../jsonc';
import { FEATURE_METADATA, TEMPLATE_METADATA } from '../../pack';
import { defineRule } from '../rule';

/** The three fields the CLI's publish checks (and without which VS Code cannot list the item). */
const REQUIRED_FIELDS = ['id', 'version', 'name'] as const;

export default defineRule({
  id: 'metadata-required',
  meta: {
    description: 'Give every template and feature a metadata file with a string id, version and name.',
    rationale:
      'devcontainer-template.json and devcontainer-feature.json are how the CLI, VS Code and Codespaces know an item: `devcontainer templates publish` and `features publish` refuse one without id, version and name, and the pickers show the name.',
    severity: 'error',
    group: 'spec',
    scope: 'source',
    appliesTo: ['template', 'feature'],
    messages: {
      missingFile: '{{folder}} has no {{metadata}}. Add one with at least "id", "version" and "name"; without it the folder cannot be published.',
      notObject: '{{metadata}} must hold a JSON object with "id", "version" and "name".',
      missingField: '{{metadata}} has no string "{{field}}". Add "{{field}}": {{example}}; `devcontainer {{kind}}s publish` refuses the {{kind}} without it.',
    },
  },
  check(target, context) {
    const metadataName = target.kind === 'template' ? TEMPLATE_METADATA : FEATURE_METADATA;
    const file = target.metadata;
    if (!file) {
      context.report({ messageId: 'missingFile', data: { folder: target.displayDir, metadata: metadataName }, file: { displayPath: target.displayDir } });
      return;
    }
    // A syntax error is jsonc-syntax's to report; a document that did not parse at all is not ours too.
    if (file.doc.value === undefined) return;
    if (!isRecord(file.doc.value)) {
      context.report({ messageId: 'notObject', data: { metadata: metadataName }, file, position: positionOf(file.doc, []) });
      return;
    }
    const examples: Record<(typeof REQUIRED_FIELDS)[number], string> = {
      id: JSON.stringify(target.folderName),
      version: '"1.0.0"',
      name: '"A short human-readable name"',
    };
    for (const field of REQUIRED_FIELDS) {
      if (typeof file.doc.value[field] === 'string' && file.doc.value[field] !== '') continue;
      context.report({
        messageId: 'missingField',
        data: { metadata: metadataName, field, example: examples[field], kind: target.kind },
        file,
        position: positionOf(file.doc, [field]),
      });
    }
  },
});
