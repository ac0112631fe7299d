import type { ErrorObject } from 'ajv';
import { valuePositionOf } from '../../jsonc';
import { defineRule, isTemplate } from '../rule';
import { devcontainerValidator, jsonPathOf } from '../schemas';

export default defineRule({
  id: 'devcontainer-schema',
  meta: {
    description: 'Give devcontainer.json properties the types the spec defines (stagepack\'s schema in src/schemas/devcontainer.schema.json).',
    rationale:
      'The spec\'s devcontainer.json reference gives each property a type, and the CLI does not check them all before it acts: `"dockerfile": 42` or `"init": "true"` reaches docker as something else, or is dropped, and the dev container differs from what the file says. The check runs on what apply writes, so a boolean option substituted into a string (`"init": "${templateOption:init}"`) is caught too.',
    severity: 'error',
    group: 'spec',
    scope: 'applied',
    configReads: ['devcontainer'],
    appliesTo: ['template'],
    messages: {
      invalid: '"{{where}}" {{problem}} in devcontainer.json. {{fix}}',
    },
  },
  check(target, context) {
    const file = isTemplate(target) ? target.devcontainer : undefined;
    const value = file?.doc.value;
    if (!file || file.doc.errors.length || typeof value !== 'object' || value === null || Array.isArray(value)) return;
    const validate = devcontainerValidator();
    if (validate(value)) return;
    // A type error on a union ("string or array") is reported once, at the deepest place it applies.
    const seen = new Set<string>();
    for (const error of validate.errors ?? []) {
      const jsonPath = jsonPathOf(error);
      const key = jsonPath.join('/');
      if (seen.has(key)) continue;
      seen.add(key);
      context.report({ messageId: 'invalid', data: { where: jsonPath.join('.') || '(top level)', problem: describe(error), fix: fixFor(error) }, file, position: valuePositionOf(file.doc, jsonPath.map((p) => (/^\d+$/.test(p) ? Number(p) : p))) });
    }
  },
});

function describe(error: ErrorObject): string {
  switch (error.keyword) {
    case 'type':
      return `must be ${String(error.params.type).split(',').join(' or ')}`;
    case 'enum':
      return `must be one of ${(error.params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`;
    case 'minLength':
      return 'must not be empty';
    case 'minimum':
      return `must be at least ${String(error.params.limit)}`;
    case 'pattern':
      return 'must be a size such as "8gb"';
    default:
      return error.message ?? 'is invalid';
  }
}

function fixFor(error: ErrorObject): string {
  if (error.keyword === 'type' && String(error.params.type).includes('boolean')) return 'Write true or false without quotes (a template option substituted into quotes becomes a string).';
  if (error.keyword === 'type' && String(error.params.type) === 'string') return 'Quote the value.';
  return 'See the devcontainer.json reference (containers.dev/implementors/json_reference).';
}
