import { defineRule } from '../rule';

export default defineRule({
  id: 'text-encoding',
  meta: {
    description: 'Save template and feature files as UTF-8 without a byte order mark.',
    rationale:
      'The Dev Containers CLI, Docker and the shell read these files as UTF-8. Bytes that are not UTF-8 are read as U+FFFD, so a name or a command silently differs from what the author sees in a Latin-1 editor. A byte order mark is not allowed in JSON (RFC 8259 section 8.1), may end up in the first line of an applied file, and breaks a shebang (`#!` must be the first two bytes of install.sh).',
    severity: 'warning',
    group: 'spec',
    scope: 'source',
    appliesTo: ['template', 'feature'],
    messages: {
      bom: '{{file}} starts with a byte order mark (U+FEFF). Save it as UTF-8 without BOM.',
      undecodable: '{{file}} holds bytes that are not UTF-8 here (read as U+FFFD). Convert the file to UTF-8 (`iconv -f latin1 -t utf-8`).',
    },
  },
  check(target, context) {
    for (const file of target.files) {
      if (file.encoding?.bom) context.report({ messageId: 'bom', data: { file: file.relPath }, file, position: { line: 1, column: 1 } });
      const offset = file.encoding?.invalidUtf8Offset;
      if (offset !== undefined) context.report({ messageId: 'undecodable', data: { file: file.relPath }, file, position: file.lines.positionAt(offset) });
    }
  },
});
