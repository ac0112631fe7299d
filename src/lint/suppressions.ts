import type { Position } from '../diagnostics';
import { escapeOf } from '../dockerfile-parser';
import type { SourceFile } from '../pack';

/**
 * Inline suppressions, written where the exception is:
 *
 *     # stagepack-ignore apt-get-hygiene: the base image keeps no lists; nothing to clean
 *     RUN apt-get install -y curl
 *
 * in a Dockerfile, shell script or YAML file (`#`), or `// stagepack-ignore rule-id: reason` in JSONC. Several
 * rule ids may be separated by commas. A suppression covers the next line that is not blank or a comment
 * and, when that line continues with a trailing backslash (a Dockerfile instruction or shell command), every
 * continuation line. The reason after the colon is required: a suppression without one still suppresses,
 * but is reported itself.
 */
export interface Suppression {
  file: SourceFile;
  position: Position;
  ruleIds: string[];
  reason: string;
  /** Lines the suppression covers (1-based, inclusive). */
  from: number;
  to: number;
  used: boolean;
}

const MARKER = /^\s*(?:#|\/\/)\s*stagepack-ignore\b(.*)$/;

export function parseSuppressions(file: SourceFile): Suppression[] {
  if (!file.text.includes('stagepack-ignore')) return [];
  // CRLF files too: `.` never matches \r, so a marker line ending in one would not match.
  const lines = file.text.split(/\r?\n/);
  const suppressions: Suppression[] = [];
  const escape = escapeOf(lines);
  lines.forEach((line, index) => {
    const match = MARKER.exec(line);
    if (!match) return;
    const rest = match[1];
    const colon = rest.indexOf(':');
    const ids = (colon >= 0 ? rest.slice(0, colon) : rest).split(',').map((id) => id.trim()).filter(Boolean);
    const reason = colon >= 0 ? rest.slice(colon + 1).trim() : '';
    let from = index + 1;
    while (from < lines.length && (lines[from].trim() === '' || /^\s*(#|\/\/)/.test(lines[from]))) from++;
    let to = from;
    while (to < lines.length - 1 && continues(lines[to], escape)) to++;
    suppressions.push({
      file,
      position: { line: index + 1, column: line.search(/\S/) + 1 },
      ruleIds: ids,
      reason,
      from: from + 1,
      to: to + 1,
      used: false,
    });
  });
  return suppressions;
}


function continues(line: string, escape: string): boolean {
  const trimmed = line.replace(/\s+$/, '');
  return trimmed.endsWith(escape);
}
