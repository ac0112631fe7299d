import { defineRule } from '../rule';

export default defineRule({
  id: 'no-symlinks',
  meta: {
    description: 'Keep symbolic links and special files out of templates and features.',
    rationale:
      'A published template or feature must carry only regular files from its own folder. A symbolic link can point anywhere (`../../.ssh/id_rsa`); stagepack publish refuses to pack one, and lint says so first.',
    severity: 'error',
    group: 'spec',
    scope: 'source',
    appliesTo: ['template', 'feature'],
    messages: {
      symlink: '{{path}} is a symbolic link (to {{target}}); a published artifact must never carry one. Replace it with a copy of the file.',
      special: '{{path}} is not a regular file (a socket, FIFO or device). Remove it from the folder.',
    },
  },
  check(target, context) {
    for (const skipped of target.skipped) {
      const file = { displayPath: skipped.displayPath };
      const data = { path: skipped.relPath || '.', target: skipped.detail ?? '?' };
      if (skipped.reason === 'symlink') context.report({ messageId: 'symlink', data, file });
      else if (skipped.reason === 'special') context.report({ messageId: 'special', data, file });
    }
  },
});
