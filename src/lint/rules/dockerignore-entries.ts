import { resolveBuildPaths } from '../../pack';
import { defineRule, isTemplate } from '../rule';

/** What must never reach the build context of a Python app, and why. */
const REQUIRED = {
  '.git': 'the repository history (large, and may hold removed secrets)',
  '.env': 'local environment files with credentials',
  '.venv': 'a local virtual environment built for another system',
  '__pycache__': 'bytecode of the host\'s Python',
} as const;

export default defineRule({
  id: 'dockerignore-entries',
  meta: {
    description: 'Ship a .dockerignore that keeps .git, .env, .venv and __pycache__ out of the build context.',
    rationale:
      'Everything in the build context is sent to the builder and can be copied into a layer by `COPY . .` or a careless pattern: a .env with production credentials, a .git with their history, a host virtual environment that breaks the image. The .dockerignore is the one place that stops it for every COPY.',
    severity: 'warning',
    group: 'shared-base',
    scope: 'source',
    appliesTo: ['template'],
    messages: {
      missing: 'The build context ({{context}}) has no .dockerignore, so .git, .env, .venv and __pycache__ are sent to the builder. Add one listing at least those.',
      notExcluded: '.dockerignore does not exclude {{entry}}: {{why}}. Add a line `{{entry}}`.',
    },
  },
  check(target, context) {
    if (!isTemplate(target)) return;
    const contextDir = resolveBuildPaths(target)?.context.relPath ?? '';
    const name = contextDir ? `${contextDir}/.dockerignore` : '.dockerignore';
    const file = target.files.find((f) => f.relPath === name);
    if (!file) {
      if (target.dockerfile) context.report({ messageId: 'missing', data: { context: contextDir || 'the template root' }, file: { displayPath: target.displayDir } });
      return;
    }
    const lines = file.text.split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
    // `*` followed by `!` exceptions is the allow-list style: everything not listed is excluded.
    if (lines.includes('*') || lines.includes('**')) return;
    for (const [entry, why] of Object.entries(REQUIRED)) {
      const covered = lines.some((l) => {
        const pattern = l.replace(/^\/|\/$/g, '').replace(/^\*\*\//, '');
        return pattern === entry || (entry === '.env' && pattern === '.env*') || (entry === '__pycache__' && pattern === '__pycache__');
      });
      if (!covered) context.report({ messageId: 'notExcluded', data: { entry, why }, file, position: { line: 1, column: 1 } });
    }
  },
});
