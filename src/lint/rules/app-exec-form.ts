import { appChain } from '../../dockerfile';
import { effective, isExecForm, positionOfInstruction } from '../dockerfile-facts';
import { defineRule, isTemplate } from '../rule';

export default defineRule({
  id: 'app-exec-form',
  meta: {
    description: 'Start the app with CMD or ENTRYPOINT in exec form (a JSON array).',
    rationale:
      'In shell form Docker runs `/bin/sh -c "..."`: the shell is PID 1 and does not pass SIGTERM on, so `docker stop` waits its full timeout and then kills the server mid-request. Exec form makes the server PID 1 (or puts an init such as tini in front).',
    severity: 'error',
    group: 'shared-base',
    scope: 'applied',
    dockerfileReads: ['ENTRYPOINT', 'CMD'],
    appliesTo: ['template'],
    messages: {
      shellForm: '{{keyword}} is in shell form, so /bin/sh is PID 1 and swallows SIGTERM. Write it as a JSON array: {{keyword}} {{suggestion}}.',
      missing: 'The app stage has no CMD or ENTRYPOINT of its own or inherited from the Dockerfile. Add `CMD ["<server>", "<arg>", ...]` in exec form.',
    },
  },
  check(target, context) {
    if (!isTemplate(target) || !target.dockerfile) return;
    const { file, model } = target.dockerfile;
    const chain = appChain(model);
    if (!chain) return;
    const entrypoint = effective(chain, 'ENTRYPOINT');
    const cmd = effective(chain, 'CMD');
    if (!entrypoint && !cmd) {
      context.report({ messageId: 'missing', file, position: chain[chain.length - 1].fromPosition });
      return;
    }
    // With an exec-form ENTRYPOINT, a shell-form CMD only becomes its arguments; the ENTRYPOINT decides PID 1.
    const decisive = entrypoint ?? cmd;
    if (decisive && !isExecForm(decisive)) {
      const words = decisive.args.trim().split(/\s+/).filter(Boolean);
      context.report({
        messageId: 'shellForm',
        data: { keyword: decisive.keyword, suggestion: JSON.stringify(words).replace(/,/g, ', ') },
        file,
        position: positionOfInstruction(decisive),
      });
    }
  },
});
