import { isRecord, positionOf } from '../../jsonc';
import { getPath } from '../../jsonc';
import { defineRule } from '../rule';

/** The environment variable a feature option reaches install.sh as (the CLI's own mapping, 0.89.0). */
export function featureOptionEnvName(id: string): string {
  return id.replace(/[^\w_]/g, '_').replace(/^[\d_]+/g, '_').toUpperCase();
}

export default defineRule({
  id: 'option-id-format',
  meta: {
    description: 'Name template options with letters, digits and _ only; give feature options distinct environment variable names.',
    rationale:
      'Templates: `devcontainer templates apply` substitutes `${templateOption:NAME}` with the pattern `\\w+?`, so an option called "python-version" is never substituted and files keep the literal placeholder. Features: the spec turns each option id into an environment variable for install.sh (the CLI replaces every character other than a letter, digit or _ with _, a leading run of digits and _ with one _, and upper-cases the result), so "python-version" is valid and arrives as PYTHON_VERSION; two ids that map to the same variable make one option silently override the other.',
    severity: 'error',
    group: 'spec',
    scope: 'source',
    appliesTo: ['template', 'feature'],
    messages: {
      badId: 'Option "{{name}}" contains characters other than letters, digits and _, so ${templateOption:{{name}}} is never substituted. Rename it "{{fixed}}".',
      envClash: 'Feature options "{{name}}" and "{{other}}" both reach install.sh as ${{env}}, so one silently overrides the other. Rename one of them.',
    },
  },
  check(target, context) {
    const file = target.metadata;
    const options = getPath(file?.doc.value, ['options']);
    if (!file || !isRecord(options)) return;
    if (target.kind === 'feature') {
      const byEnv = new Map<string, string>();
      for (const name of Object.keys(options)) {
        const env = featureOptionEnvName(name);
        const other = byEnv.get(env);
        if (other !== undefined) context.report({ messageId: 'envClash', data: { name, other, env }, file, position: positionOf(file.doc, ['options', name]) });
        else byEnv.set(env, name);
      }
      return;
    }
    for (const name of Object.keys(options)) {
      if (/^\w+$/.test(name)) continue;
      const fixed = name.replace(/[^A-Za-z0-9_]+(.)?/g, (_m, next?: string) => (next ? next.toUpperCase() : '')) || 'option';
      context.report({ messageId: 'badId', data: { name, fixed }, file, position: positionOf(file.doc, ['options', name]) });
    }
  },
});
