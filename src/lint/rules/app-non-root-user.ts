import { appChain } from '../../dockerfile';
import { effective, positionOfInstruction } from '../dockerfile-facts';
import { defineRule, isTemplate } from '../rule';

const ROOT = new Set(['root', '0', 'root:root', '0:0', 'root:0', '0:root']);

export default defineRule({
  id: 'app-non-root-user',
  meta: {
    description: 'End the app stage with USER set to a non-root user.',
    rationale:
      'A server running as root turns any remote code execution into root in the container, one kernel bug away from the host; Kubernetes\' runAsNonRoot refuses such images. The USER that takes effect is the last one along the app stage and its ancestors.',
    severity: 'error',
    group: 'shared-base',
    scope: 'applied',
    dockerfileReads: ['USER'],
    appliesTo: ['template'],
    messages: {
      missing: 'The app stage never sets USER, so the server runs as root. Create a user and end with `USER 10001:10001` (numeric, so runAsNonRoot can verify it).',
      root: 'The app stage runs as "{{user}}". End it with a non-root user: `USER 10001:10001`.',
    },
  },
  check(target, context) {
    if (!isTemplate(target) || !target.dockerfile) return;
    const { file, model } = target.dockerfile;
    const chain = appChain(model);
    if (!chain) return;
    const user = effective(chain, 'USER');
    if (!user) {
      context.report({ messageId: 'missing', file, position: chain[chain.length - 1].fromPosition });
      return;
    }
    const value = user.args.trim();
    if (ROOT.has(value)) context.report({ messageId: 'root', data: { user: value }, file, position: positionOfInstruction(user) });
  },
});
