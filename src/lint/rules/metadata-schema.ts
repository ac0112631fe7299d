import type { ErrorObject } from 'ajv';
import { valuePositionOf } from '../../jsonc';
import { FEATURE_METADATA, TEMPLATE_METADATA } from '../../pack';
import { defineRule } from '../rule';
import { jsonPathOf, metadataValidator } from '../schemas';

/** Fields metadata-required reports already; the schema would say the same thing again. */
const REPORTED_ELSEWHERE = new Set(['id', 'version', 'name']);

export default defineRule({
  id: 'metadata-schema',
  meta: {
    description: 'Write devcontainer-template.json and devcontainer-feature.json as the spec defines them (stagepack\'s schemas in src/schemas/).',
    rationale:
      'The CLI checks only id, version and name, and there is no official schema for templates (devcontainers/spec#349); a wrong option type, a list where a string belongs or a malformed id is published silently and breaks later, in a user\'s VS Code. The schemas are written from the spec.',
    severity: 'error',
    group: 'spec',
    scope: 'source',
    appliesTo: ['template', 'feature'],
    messages: {
      invalid: '{{where}} {{problem}}.{{fix}}',
    },
  },
  check(target, context) {
    const file = target.metadata;
    if (!file || file.doc.errors.length || typeof file.doc.value !== 'object' || file.doc.value === null || Array.isArray(file.doc.value)) return;
    const validate = metadataValidator(target.kind);
    if (validate(file.doc.value)) return;
    const metadataName = target.kind === 'template' ? TEMPLATE_METADATA : FEATURE_METADATA;
    for (const error of validate.errors ?? []) {
      const jsonPath = jsonPathOf(error);
      if (error.keyword === 'required' && jsonPath.length === 0 && REPORTED_ELSEWHERE.has(String(error.params.missingProperty))) continue;
      if (error.keyword === 'pattern' && jsonPath.join('/') === 'id' ) {
        context.report({ messageId: 'invalid', data: { where: '"id"', problem: 'must be lower-case letters and digits, separated by single . _ or -', fix: ' It becomes part of the OCI reference, which allows nothing else.' }, file, position: valuePositionOf(file.doc, jsonPath) });
        continue;
      }
      const where = jsonPath.length ? `"${jsonPath.join('.')}"` : metadataName;
      context.report({ messageId: 'invalid', data: { where, problem: describe(error), fix: fixFor(error, jsonPath) }, file, position: valuePositionOf(file.doc, jsonPath) });
    }
  },
});

function describe(error: ErrorObject): string {
  switch (error.keyword) {
    case 'required':
      return `has no "${String(error.params.missingProperty)}"`;
    case 'type':
      return `must be ${String(error.params.type).replace(',', ' or ')}`;
    case 'enum':
      return `must be one of ${(error.params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`;
    case 'pattern':
      return error.params.pattern === '^https?://' ? 'must be an http(s) URL' : `must match ${String(error.params.pattern)}`;
    case 'not':
      return 'has both "proposals" and "enum"';
    case 'minItems':
      return 'must not be empty';
    case 'minLength':
      return 'must not be empty';
    default:
      return error.message ?? 'is invalid';
  }
}

function fixFor(error: ErrorObject, jsonPath: string[]): string {
  if (error.keyword === 'not') return ' Keep "enum" for a fixed list, or "proposals" for suggestions that allow free text, not both.';
  if (error.keyword === 'required' && error.params.missingProperty === 'default') return ' Give the option a "default": apply and VS Code use it when the user picks nothing.';
  if (error.keyword === 'required' && error.params.missingProperty === 'type') return ' Add "type": "string" (or "boolean").';
  if (jsonPath[0] === 'options' && jsonPath[2] === 'type') return ' Options are strings or booleans; numbers are written as strings ("8000").';
  return '';
}
