import { expandedFrom } from '../../dockerfile';
import { defineRule, isTemplate } from '../rule';

export default defineRule({
  id: 'no-alpine-python',
  meta: {
    description: 'Use Debian-based (slim) images for Python, not Alpine.',
    rationale:
      'Alpine uses musl instead of glibc: most wheels on PyPI are built for glibc (manylinux), so pip compiles C extensions from source (builds many times slower, and a compiler in the image), and musl\'s allocator makes many Python workloads slower. python:X-slim is small enough and runs the wheels as published.',
    severity: 'warning',
    group: 'shared-base',
    scope: 'applied',
    dockerfileReads: ['FROM', 'ARG'],
    appliesTo: ['template'],
    messages: {
      alpine: '`FROM {{image}}` is Alpine (musl): manylinux wheels do not install, so C extensions compile from source and run slower. Use python:<version>-slim-bookworm.',
    },
  },
  check(target, context) {
    if (!isTemplate(target) || !target.dockerfile) return;
    const { file, model } = target.dockerfile;
    for (const { stage, image } of expandedFrom(model)) {
      if (/(^|\/)alpine(:|$)|-alpine\d*(\.\d+)*$|:alpine/.test(image)) context.report({ messageId: 'alpine', data: { image }, file, position: stage.fromPosition });
    }
  },
});
