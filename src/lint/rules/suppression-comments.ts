import { defineRule } from '../rule';

/**
 * Reported by the lint runner itself, which alone sees every suppression and every diagnostic: this file
 * holds the rule's id, documentation and messages so they are registered, configurable and documented like
 * any other rule.
 */
export default defineRule({
  id: 'suppression-comments',
  meta: {
    description: 'Give every stagepack-ignore comment a known rule id and a reason, and remove it when unused.',
    rationale:
      'A suppression is an exception someone will have to revisit; without the reason, nobody can tell whether it still holds. One naming an unknown rule, or suppressing nothing, hides nothing and only misleads.',
    severity: 'warning',
    group: 'spec',
    scope: 'source',
    appliesTo: ['template', 'feature'],
    messages: {
      missingReason: 'This stagepack-ignore has no reason. Write it after a colon: `# stagepack-ignore {{ids}}: why this is fine here`.',
      unknownRule: 'stagepack-ignore names "{{id}}", which is not a rule (stagepack lint --list-rules lists them).',
      unused: 'This stagepack-ignore for {{ids}} suppresses nothing on line {{line}}. Remove it.',
    },
  },
  check() {
    // See the comment above: lint.ts reports these.
  },
});
