import { getPath, valuePositionOf } from '../../jsonc';
import { defineRule } from '../rule';

export default defineRule({
  id: 'metadata-id-matches-folder',
  meta: {
    description: 'Name the folder exactly as the id in the metadata.',
    rationale:
      'The spec requires a template\'s or feature\'s folder name to equal its id. Publishing a mismatch fails with an obscure missing-blob error (devcontainers/action#133), and `templates apply -t .../ID` finds nothing.',
    severity: 'error',
    group: 'spec',
    scope: 'source',
    appliesTo: ['template', 'feature'],
    messages: {
      mismatch: 'The id "{{id}}" differs from the folder name "{{folder}}". Rename the folder to "{{id}}" or set "id": "{{folder}}"; publishing a mismatch fails.',
    },
  },
  check(target, context) {
    const file = target.metadata;
    const id = getPath(file?.doc.value, ['id']);
    if (!file || typeof id !== 'string' || id === '' || id === target.folderName) return;
    context.report({ messageId: 'mismatch', data: { id, folder: target.folderName }, file, position: valuePositionOf(file.doc, ['id']) });
  },
});
