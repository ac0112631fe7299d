import { positionOfInstruction } from '../dockerfile-facts';
import { defineRule, isTemplate } from '../rule';

const ARCHIVE = /\.(tar|tar\.gz|tgz|tar\.bz2|tbz2?|tar\.xz|txz|tar\.zst)$/i;

export default defineRule({
  id: 'prefer-copy',
  meta: {
    description: 'Use COPY for local files; keep ADD for what only ADD does.',
    rationale:
      'ADD also downloads URLs and unpacks local tar archives, silently: `ADD app.tar.gz /app` and `ADD . /app` look alike and do different things. COPY does one thing, which readers and reviewers can rely on.',
    severity: 'warning',
    group: 'spec',
    scope: 'applied',
    dockerfileReads: ['ADD'],
    appliesTo: ['template'],
    messages: {
      useCopy: '`ADD {{sources}}` copies local files, which COPY does without ADD\'s URL download and archive unpacking. Write COPY.',
    },
  },
  check(target, context) {
    if (!isTemplate(target) || !target.dockerfile) return;
    const { file, model } = target.dockerfile;
    for (const add of model.instructions.filter((i) => i.keyword === 'ADD')) {
      const args = add.args.split(/\s+/).filter((a) => a && !a.startsWith('--'));
      const sources = args.slice(0, -1);
      if (!sources.length || sources.some((s) => /^(https?|git):\/\/|^git@/.test(s) || ARCHIVE.test(s))) continue;
      context.report({ messageId: 'useCopy', data: { sources: sources.join(' ') }, file, position: positionOfInstruction(add) });
    }
  },
});
