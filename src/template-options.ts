/**
 * Template option placeholders, exactly as the Dev Containers CLI treats them.
 *
 * `devcontainer templates apply` replaces `${templateOption:NAME}` in every file of the template with the
 * regular expression below (devcontainers/cli, templatesApply): `\w+?` means a hyphenated option id never
 * matches, an undeclared name becomes the empty string, nothing is escaped, and a falsy value (false, "")
 * also becomes "". We mirror it so that lint and tests see what a user would get.
 */

/** The CLI's own pattern. Global: use with matchAll / replace. */
export const PLACEHOLDER_PATTERN = /\$\{templateOption:\s*(\w+?)\s*}/g;

export interface PlaceholderUse {
  name: string;
  /** Offset of the `$` in the text. */
  offset: number;
  length: number;
}

export function findPlaceholders(text: string): PlaceholderUse[] {
  const uses: PlaceholderUse[] = [];
  for (const match of text.matchAll(PLACEHOLDER_PATTERN)) {
    uses.push({ name: match[1], offset: match.index ?? 0, length: match[0].length });
  }
  return uses;
}

/**
 * Something that looks like a placeholder but that the CLI will never replace (for example
 * `${templateOption:python-version}`): reported so the author does not ship a literal `${...}`.
 */
export const NEAR_PLACEHOLDER_PATTERN = /\$\{templateOption:[^}]*}/g;

/** Substitutes values the way `devcontainer templates apply` does (unknown or falsy names become ""). */
export function applyOptions(text: string, values: Readonly<Record<string, string | boolean | undefined>>): string {
  return text.replace(PLACEHOLDER_PATTERN, (_whole, name: string) => {
    const value = values[name];
    return value ? String(value) : '';
  });
}

export interface TemplateOptionSpec {
  type?: unknown;
  default?: unknown;
  proposals?: unknown;
  enum?: unknown;
  description?: unknown;
}

/** The `-a` argument of `devcontainer templates apply`: every declared option at its default, as strings. */
export function defaultOptionValues(options: Readonly<Record<string, TemplateOptionSpec>> | undefined): Record<string, string> {
  const values: Record<string, string> = {};
  for (const [name, spec] of Object.entries(options ?? {})) {
    if (spec && spec.default !== undefined) values[name] = String(spec.default);
  }
  return values;
}
