import { expandedFrom } from '../../dockerfile';
import { defineRule, isTemplate } from '../rule';

export default defineRule({
  id: 'base-image-tag',
  meta: {
    description: 'Start every stage from an image with an explicit tag (or digest), never latest.',
    rationale:
      'An untagged or `latest` base image changes under you: the same Dockerfile builds a different Python next month, and the dev container and production drift apart although both say `FROM base`. Pin at least the minor version and the Debian release (python:3.11-slim-bookworm).',
    severity: 'warning',
    group: 'spec',
    scope: 'applied',
    dockerfileReads: ['FROM', 'ARG'],
    appliesTo: ['template'],
    messages: {
      untagged: '`FROM {{image}}` has no tag, so it means :latest and changes without notice. Pin a version tag ({{image}}:<version>) or a digest.',
      latest: '`FROM {{image}}` uses the moving tag latest. Pin a version and release instead.',
    },
  },
  check(target, context) {
    if (!isTemplate(target) || !target.dockerfile) return;
    const { file, model } = target.dockerfile;
    for (const { stage, image } of expandedFrom(model)) {
      if (image.includes('@sha256:') || image.toLowerCase() === 'scratch' || image.includes('$')) continue;
      const lastSegment = image.split('/').pop() ?? image;
      if (!lastSegment.includes(':')) context.report({ messageId: 'untagged', data: { image }, file, position: stage.fromPosition });
      else if (lastSegment.endsWith(':latest')) context.report({ messageId: 'latest', data: { image }, file, position: stage.fromPosition });
    }
  },
});
