import rule from '../../../src/lint/rules/feature-references';
import { ruleTester } from './rule-tester';

const feature = (body: string) => ({ 'devcontainer-feature.json': `{\n  "id": "feature",\n  "version": "1.0.0",\n  "name": "x",\n${body}\n}\n` });

ruleTester(rule, {
  valid: [
    { name: 'no references', kind: 'feature' },
    { name: 'full OCI ids', kind: 'feature', files: feature('  "installsAfter": ["ghcr.io/devcontainers/features/common-utils"],\n  "dependsOn": { "ghcr.io/devcontainers/features/python:1": { "version": "3.11" } }') },
  ],
  invalid: [
    { name: 'a bare id in installsAfter', kind: 'feature', files: feature('  "installsAfter": ["common-utils"]'), errors: [{ messageId: 'notReference', file: 'devcontainer-feature.json', line: 5, column: 21, includes: 'ghcr.io/devcontainers/features/common-utils' }] },
    { name: 'itself', kind: 'feature', files: feature('  "installsAfter": ["feature"]'), errors: [{ messageId: 'self', line: 5 }] },
    { name: 'dependsOn without an options object', kind: 'feature', files: feature('  "dependsOn": { "ghcr.io/devcontainers/features/python:1": true }'), errors: [{ messageId: 'dependsOnOptions', line: 5, column: 18 }] },
  ],
});
