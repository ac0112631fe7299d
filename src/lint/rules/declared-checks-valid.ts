import { ChecksFileError, parseChecksFile, PROJECT_CHECKS_FILE, TEMPLATE_CHECKS_FILE } from '../../testing/declared-checks';
import { defineRule, isTemplate } from '../rule';

export default defineRule({
  id: 'declared-checks-valid',
  meta: {
    description: 'Write .devcontainer/stagepack-checks.json (and project-checks.json) in the declared-checks form, every key known.',
    rationale:
      '`stagepack test` runs the checks a template declares there against the running app image (commands with their expected exit code and output, files that must or must not exist, HTTP requests with their expected status and body). A misspelt key (`outputMatch`) would check nothing and pass; a relative path, an invalid pattern or a body on a GET would fail only after the images are built. The file is read with the same parser the test uses, so lint and test cannot disagree. It is stagepack\'s own file, not part of the Dev Containers spec, which ignores it.',
    severity: 'error',
    group: 'spec',
    scope: 'source',
    appliesTo: ['template'],
    messages: {
      invalid: '{{problem}}. Fix: {{fix}}.',
    },
  },
  check(target, context) {
    if (!isTemplate(target)) return;
    for (const relPath of [TEMPLATE_CHECKS_FILE, PROJECT_CHECKS_FILE]) {
      const file = target.files.find((f) => f.relPath === relPath);
      if (!file) continue;
      try {
        parseChecksFile(file.text, file.displayPath);
      } catch (error) {
        if (!(error instanceof ChecksFileError)) throw error;
        context.report({ messageId: 'invalid', data: { problem: error.problem, fix: error.fix }, file, position: error.position });
      }
    }
  },
});
