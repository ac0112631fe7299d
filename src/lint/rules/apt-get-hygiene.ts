import { commandText, mounts, positionOfInstruction, shellCommands } from '../dockerfile-facts';
import { defineRule, isTemplate } from '../rule';

export default defineRule({
  id: 'apt-get-hygiene',
  meta: {
    description: 'Install Debian packages with `apt-get update && apt-get install -y --no-install-recommends` in one RUN, and clean or cache-mount the lists.',
    rationale:
      'An `apt-get update` in an earlier layer is cached forever, so a later install reads stale lists and fails or installs old versions. Without -y the build aborts at the prompt; without --no-install-recommends images grow by tens of megabytes; lists left in /var/lib/apt/lists add ~20 MB to the layer unless removed in the same RUN or kept in a cache mount.',
    severity: 'warning',
    group: 'spec',
    scope: 'applied',
    dockerfileReads: ['RUN'],
    appliesTo: ['template'],
    messages: {
      noYes: '`apt-get install` without -y aborts at the confirmation prompt in a build. Add -y.',
      noRecommends: '`apt-get install` without --no-install-recommends pulls in recommended packages the image does not need. Add --no-install-recommends.',
      noUpdate: '`apt-get install` without `apt-get update` in the same RUN relies on package lists from an older, cached layer. Write `apt-get update && apt-get install ...` in one RUN.',
      listsLeft: 'The package lists stay in this layer. End the RUN with `&& rm -rf /var/lib/apt/lists/*`, or mount them: `--mount=type=cache,target=/var/lib/apt/lists,sharing=locked`.',
    },
  },
  check(target, context) {
    if (!isTemplate(target) || !target.dockerfile) return;
    const { file, model } = target.dockerfile;
    for (const run of model.instructions.filter((i) => i.keyword === 'RUN')) {
      const command = commandText(run);
      const commands = shellCommands(command);
      const installs = commands.filter((w) => (w[0] === 'apt-get' || w[0] === 'apt') && w.includes('install'));
      if (!installs.length) continue;
      const position = positionOfInstruction(run);
      for (const words of installs) {
        if (!words.some((w) => /^(-y|--yes|--assume-yes|-[a-z]*y[a-z]*|-qq?y)$/.test(w))) context.report({ messageId: 'noYes', file, position });
        if (!words.includes('--no-install-recommends')) context.report({ messageId: 'noRecommends', file, position });
      }
      if (!commands.some((w) => (w[0] === 'apt-get' || w[0] === 'apt') && w.includes('update'))) context.report({ messageId: 'noUpdate', file, position });
      const listsMounted = mounts(run).some((m) => m.type === 'cache' && (m.target ?? '').replace(/\/$/, '') === '/var/lib/apt/lists');
      if (!listsMounted && !/rm\s+-[rf]{1,2}\s+\/var\/lib\/apt\/lists/.test(command)) context.report({ messageId: 'listsLeft', file, position });
    }
  },
});
