import { defineRule } from '../rule';

export default defineRule({
  id: 'no-symlinks',
  meta: {
    description: 'Keep templates and features to regular text files: no symbolic links or special files.',
    rationale:
      'A published template or feature must carry only regular files from its own folder. A symbolic link can point anywhere (`../../.ssh/id_rsa`); stagepack publish refuses to pack one, and lint says so first. Binary, oversized and unreadable files are reported too, since they are not template text.',
    severity: 'error',
    appliesTo: ['template', 'feature'],
    messages: {
      symlink: '{{path}} is a symbolic link (to {{target}}); a published artifact must never carry one. Replace it with a copy of the file.',
      special: '{{path}} is not a regular file (a socket, FIFO or device). Remove it from the folder.',
      unreadable: '{{path}} cannot be read ({{detail}}). Fix its permissions.',
      binary: '{{path}} is a binary file; templates are applied by text substitution. Remove it or generate it at build time.',
      tooLarge: '{{path}} is {{detail}}, over the 1 MiB limit for template files. Keep large assets out of the template.',
    },
  },
  check(target, context) {
    for (const skipped of target.skipped) {
      const file = { displayPath: skipped.displayPath };
      const data = { path: skipped.relPath || '.', target: skipped.detail ?? '?', detail: skipped.detail ?? '' };
      const messageId = ({ symlink: 'symlink', special: 'special', unreadable: 'unreadable', binary: 'binary', 'too-large': 'tooLarge' } as const)[skipped.reason];
      context.report({ messageId, data, file });
    }
  },
});
