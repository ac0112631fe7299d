import { getPath, valuePositionOf } from '../../jsonc';
import { defineRule } from '../rule';

/** Semantic Versioning 2.0.0, the official regular expression (semver.org), without the `v` prefix. */
const SEMVER =
  /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$/;

export default defineRule({
  id: 'metadata-version-semver',
  meta: {
    description: 'Version templates and features as MAJOR.MINOR.PATCH (semver).',
    rationale:
      'Publishing derives the tags `1`, `1.2`, `1.2.3` and `latest` from the version; anything but MAJOR.MINOR.PATCH gives wrong or no tags, and users pinning `:1` never see the release.',
    severity: 'error',
    group: 'spec',
    scope: 'source',
    appliesTo: ['template', 'feature'],
    messages: {
      notSemver: 'The version "{{version}}" is not semantic versioning. Use MAJOR.MINOR.PATCH such as "{{suggestion}}"; publish derives the tags 1, 1.2 and 1.2.3 from it.',
      prerelease: 'The version "{{version}}" is a prerelease; `devcontainer {{kind}}s publish` would still move the `latest` tag to it (devcontainers/cli publish). Publish a plain MAJOR.MINOR.PATCH instead.',
    },
  },
  check(target, context) {
    const file = target.metadata;
    const version = getPath(file?.doc.value, ['version']);
    if (!file || typeof version !== 'string' || version === '') return;
    const position = valuePositionOf(file.doc, ['version']);
    const match = SEMVER.exec(version);
    if (!match) {
      context.report({ messageId: 'notSemver', data: { version, suggestion: suggest(version) }, file, position });
    } else if (match[4] !== undefined) {
      context.report({ messageId: 'prerelease', data: { version, kind: target.kind }, file, position });
    }
  },
});

function suggest(version: string): string {
  const numbers = (version.match(/\d+/g) ?? []).map((n) => String(Number(n)));
  while (numbers.length < 3) numbers.push('0');
  return numbers.slice(0, 3).join('.');
}
