import { getPath, isRecord, positionOf, valuePositionOf } from '../../jsonc';
import { defineRule } from '../rule';

/** An OCI feature reference: registry host, path, and an optional tag or digest. */
const OCI_REFERENCE = /^[a-z0-9.-]+(:\d+)?(\/[a-z0-9._-]+)+(:[\w.-]+|@sha256:[0-9a-f]{64})?$/;

export default defineRule({
  id: 'feature-references',
  meta: {
    description: 'Refer to other features in dependsOn and installsAfter by their full OCI id, never to the feature itself.',
    rationale:
      'The CLI resolves dependsOn and installsAfter to published features (ghcr.io/devcontainers/features/common-utils); a bare id or a typo resolves to nothing, and the build fails on the user\'s machine or installs in the wrong order. A feature depending on itself makes the install order impossible.',
    severity: 'error',
    group: 'spec',
    scope: 'source',
    appliesTo: ['feature'],
    messages: {
      notReference: '{{field}} entry "{{value}}" is not a feature reference. Write the published id with its registry, e.g. "ghcr.io/devcontainers/features/{{value}}".',
      self: '{{field}} names this feature itself ("{{value}}"). Remove it.',
      dependsOnOptions: 'dependsOn["{{value}}"] must be an object of options (use {} for none).',
    },
  },
  check(target, context) {
    const file = target.metadata;
    if (!file) return;
    const id = getPath(file.doc.value, ['id']);
    const isSelf = (value: string) => value.split(/[:@]/)[0].split('/').pop() === id && value.split('/').length <= 1;
    const check = (field: string, value: string, position: { line: number; column: number }) => {
      if (value === id || isSelf(value)) context.report({ messageId: 'self', data: { field, value }, file, position });
      else if (!OCI_REFERENCE.test(value) && !value.startsWith('./') && !value.startsWith('../')) context.report({ messageId: 'notReference', data: { field, value }, file, position });
    };
    const after = getPath(file.doc.value, ['installsAfter']);
    if (Array.isArray(after)) after.forEach((value, i) => typeof value === 'string' && check('installsAfter', value, valuePositionOf(file.doc, ['installsAfter', i])));
    const depends = getPath(file.doc.value, ['dependsOn']);
    if (isRecord(depends)) {
      for (const [value, options] of Object.entries(depends)) {
        const position = positionOf(file.doc, ['dependsOn', value]);
        check('dependsOn', value, position);
        if (!isRecord(options)) context.report({ messageId: 'dependsOnOptions', data: { value }, file, position });
      }
    }
  },
});
