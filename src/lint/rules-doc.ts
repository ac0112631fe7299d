import { RULE_GROUPS, type Rule } from './rule';

/**
 * docs/rules.md, generated from the rules' own metadata so that the reference cannot drift from the code
 * (a test compares the file with this output; `UPDATE_SNAPSHOTS=1 npm test` rewrites it).
 */
export function rulesMarkdown(rules: readonly Rule[]): string {
  const lines = [
    '# stagepack lint rules',
    '',
    '<!-- Generated from src/lint/rules/*.ts by test/unit/rules-registry.test.ts; do not edit by hand. -->',
    '',
    '`stagepack lint --list-rules` prints the same list. Severity is the default: **error** will break a user,',
    '**warning** is bad practice, **info** is advice. Lint exits 1 when any error remains.',
    '',
    'Rules come in two groups:',
    '',
    ...Object.entries(RULE_GROUPS).map(([id, text]) => `- **${id}**: ${text}.`),
    '',
    'The spec group is always on (single rules can be set under `"lint": {"rules": {...}}`). The shared-base group',
    "is stagepack's own convention, and its messages say so; a collection that does not follow it (C++, Go or .NET",
    'templates, image-based dev containers) turns the whole group off with one line of `stagepack.json`:',
    '`{"lint": {"groups": {"shared-base": "off"}}}`.',
    '',
    '| Rule | Group | Severity | Applies to | What to do |',
    '| --- | --- | --- | --- | --- |',
    ...rules.map((r) => `| [\`${r.id}\`](#${r.id}) | ${r.meta.group} | ${r.meta.severity} | ${r.meta.appliesTo.join(', ')} | ${escapeCell(r.meta.description)} |`),
    '',
  ];
  for (const rule of rules) {
    lines.push(`## ${rule.id}`, '', `${rule.meta.description}`, '', `**Why:** ${rule.meta.rationale}`, '', `Group: ${rule.meta.group}. Default severity: ${rule.meta.severity}. Source: [\`src/lint/rules/${rule.id}.ts\`](../src/lint/rules/${rule.id}.ts).`, '', 'Messages:', '');
    for (const [id, text] of Object.entries(rule.meta.messages)) lines.push(`- \`${id}\`: ${String(text).replace(/\{\{(\w+)\}\}/g, '*$1*')}`);
    lines.push('');
  }
  return lines.join('\n');
}

function escapeCell(text: string): string {
  return text.replace(/\|/g, '\\|');
}
