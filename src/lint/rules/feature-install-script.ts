import { defineRule } from '../rule';

export default defineRule({
  id: 'feature-install-script',
  meta: {
    description: 'Give every feature an install.sh.',
    rationale:
      'The features spec makes install.sh the entry point: the CLI copies the feature into the build, runs `chmod +x ./install.sh` and then `./install.sh` as root (so neither the executable bit nor a shebang is required: a script without one is run by the shell). Without the file the feature installs nothing and the build fails on the user\'s machine.',
    severity: 'error',
    group: 'spec',
    scope: 'source',
    appliesTo: ['feature'],
    messages: {
      missing: '{{folder}} has no install.sh. Add the script that installs the feature (it runs as root during the build).',
    },
  },
  check(target, context) {
    if (target.files.some((f) => f.relPath === 'install.sh') || target.skipped.some((s) => s.relPath === 'install.sh')) return;
    context.report({ messageId: 'missing', data: { folder: target.displayDir }, file: { displayPath: target.displayDir } });
  },
});
