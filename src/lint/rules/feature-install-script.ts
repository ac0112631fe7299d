import * as fs from 'node:fs';
import * as path from 'node:path';
import { defineRule } from '../rule';

export default defineRule({
  id: 'feature-install-script',
  meta: {
    description: 'Give every feature an executable install.sh that starts with a shebang.',
    rationale:
      'The CLI runs `./install.sh` as root while building the dev container; without the file the feature installs nothing, and without the executable bit or a shebang the build fails with "permission denied" or "exec format error" on the user\'s machine, not the author\'s.',
    severity: 'error',
    scope: 'source',
    appliesTo: ['feature'],
    messages: {
      missing: '{{folder}} has no install.sh. Add the script that installs the feature (it runs as root during the build).',
      notExecutable: 'install.sh is not executable. Run `chmod +x install.sh` (and commit the mode: `git update-index --chmod=+x`).',
      noShebang: 'install.sh does not start with a shebang line. Begin it with `#!/usr/bin/env bash` (or `#!/bin/sh`).',
    },
  },
  check(target, context) {
    const script = target.files.find((f) => f.relPath === 'install.sh');
    if (!script) {
      if (!target.skipped.some((s) => s.relPath === 'install.sh')) context.report({ messageId: 'missing', data: { folder: target.displayDir }, file: { displayPath: target.displayDir } });
      return;
    }
    const mode = fs.statSync(path.join(target.absDir, 'install.sh')).mode;
    if ((mode & 0o111) === 0) context.report({ messageId: 'notExecutable', file: script, position: { line: 1, column: 1 } });
    if (!script.text.startsWith('#!')) context.report({ messageId: 'noShebang', file: script, position: { line: 1, column: 1 } });
  },
});
