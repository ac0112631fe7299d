import { defineRule, isTemplate } from '../rule';

export default defineRule({
  id: 'devcontainer-config-present',
  meta: {
    description: 'Ship a .devcontainer/devcontainer.json in every template.',
    rationale:
      'A template is applied into a workspace; \"Reopen in Container\" and `devcontainer up` then look for `.devcontainer/devcontainer.json` (or `.devcontainer.json`). Without it the template gives the user nothing to open.',
    severity: 'error',
    group: 'spec',
    scope: 'source',
    appliesTo: ['template'],
    messages: {
      missing: '{{folder}} has no .devcontainer/devcontainer.json. Add one whose "build" points at the Dockerfile with "target": "development".',
    },
  },
  check(target, context) {
    if (!isTemplate(target) || target.devcontainer) return;
    context.report({ messageId: 'missing', data: { folder: target.displayDir }, file: { displayPath: target.displayDir } });
  },
});
