/**
 * The options table of a template's or feature's README, generated from its metadata so the two never drift.
 *
 * The table has the layout of the Dev Containers CLI's `generate-docs` (cli
 * src/spec-node/collectionCommonUtils/generateDocsCommandImpl.ts: `## Options`, then `| Options Id |
 * Description | Type | Default Value |`, `-` for an empty default), so a collection that later moves to
 * generate-docs reads the same; the values an option offers (its `enum`, which are the only ones allowed, or
 * its `proposals`, which are suggestions) are added to its description, because that is what a reader
 * chooses from. Only the block between the two markers is ever rewritten: every hand-written section stays.
 */
export const BEGIN_MARKER = '<!-- stagepack docs: generated from the metadata by `stagepack docs`; edit the metadata, not this table -->';
export const END_MARKER = '<!-- /stagepack docs -->';

export interface OptionSpec {
  type?: unknown;
  description?: unknown;
  default?: unknown;
  proposals?: unknown;
  enum?: unknown;
}

/** A cell's text: one line, pipes escaped (a `|` would end the cell), `<` and `>` as entities (`<version>` is no tag). */
function cell(value: string): string {
  return value.replace(/\r?\n/g, ' ').replace(/\|/g, '\\|').replace(/</g, '&lt;').replace(/>/g, '&gt;').trim();
}

function valuesNote(spec: OptionSpec): string {
  const list = (values: unknown[]) => values.map((v) => (v === '' ? '(empty)' : `\`${String(v)}\``)).join(', ');
  if (Array.isArray(spec.enum) && spec.enum.length) return ` One of: ${list(spec.enum)}.`;
  if (Array.isArray(spec.proposals) && spec.proposals.length) return ` Proposals: ${list(spec.proposals)}.`;
  return '';
}

/** The generated block, markers included, for the options of one metadata file (none: a line that says so). */
export function optionsBlock(options: Record<string, OptionSpec> | undefined): string {
  const names = Object.keys(options ?? {});
  const lines = [BEGIN_MARKER, '## Options', ''];
  if (!names.length) lines.push('This has no options.');
  else {
    lines.push('| Options Id | Description | Type | Default Value |', '|-----|-----|-----|-----|');
    for (const name of names) {
      const spec = options?.[name] ?? {};
      const description = `${typeof spec.description === 'string' && spec.description ? spec.description : '-'}${valuesNote(spec)}`;
      const type = typeof spec.type === 'string' ? spec.type : '-';
      const fallback = spec.default === undefined || spec.default === '' ? '-' : String(spec.default);
      lines.push(`| ${cell(name)} | ${cell(description)} | ${cell(type)} | ${cell(fallback)} |`);
    }
  }
  lines.push(END_MARKER);
  return lines.join('\n');
}

/**
 * The README with its options block replaced by `block`. Where the README has no markers yet (the first run),
 * a `## Options` section (heading to the next heading) is replaced, else a hand-written table whose first
 * column is "Option", else the block goes after the README's first paragraph block before its second heading.
 */
export function withOptionsBlock(readme: string, block: string): string {
  const eol = readme.includes('\r\n') ? '\r\n' : '\n';
  const text = readme.replace(/\r\n/g, '\n');
  const begin = text.indexOf(BEGIN_MARKER);
  const end = text.indexOf(END_MARKER);
  let result: string;
  if (begin >= 0 && end > begin) result = text.slice(0, begin) + block + text.slice(end + END_MARKER.length);
  else {
    const lines = text.split('\n');
    const heading = lines.findIndex((l) => /^##\s+Options\s*$/i.test(l));
    let from = heading;
    let to = -1;
    if (heading >= 0) {
      to = lines.findIndex((l, i) => i > heading && /^#{1,2}\s/.test(l));
      if (to < 0) to = lines.length;
    } else {
      from = lines.findIndex((l) => /^\|\s*`?Options?( Id)?`?\s*\|/i.test(l));
      if (from >= 0) {
        to = from;
        while (to < lines.length && lines[to].startsWith('|')) to++;
      }
    }
    if (from >= 0) {
      const trailing = heading >= 0 ? [''] : [];
      result = [...lines.slice(0, from), block, ...trailing, ...lines.slice(to)].join('\n');
    } else {
      const second = lines.findIndex((l, i) => i > 0 && /^##\s/.test(l));
      result = second >= 0 ? [...lines.slice(0, second), block, '', ...lines.slice(second)].join('\n') : `${text.replace(/\n*$/, '')}\n\n${block}\n`;
    }
  }
  return eol === '\n' ? result : result.replace(/\n/g, eol);
}
