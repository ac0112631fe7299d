import type { Position } from './diagnostics';

/**
 * Converts offsets in a file's text into 1-based line/column positions. The line starts are found on the
 * first lookup (most files of a clean template are never asked for one), once per file; lookups are a
 * binary search over them, so rules can locate as many nodes as they like.
 */
export class LineIndex {
  private starts?: number[];

  constructor(readonly text: string) {}

  private get lineStarts(): number[] {
    if (!this.starts) {
      const starts = [0];
      for (let i = this.text.indexOf('\n'); i !== -1; i = this.text.indexOf('\n', i + 1)) starts.push(i + 1);
      this.starts = starts;
    }
    return this.starts;
  }

  positionAt(offset: number): Position {
    const clamped = Math.max(0, Math.min(offset, this.text.length));
    let low = 0;
    let high = this.lineStarts.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if (this.lineStarts[mid] <= clamped) low = mid;
      else high = mid - 1;
    }
    return { line: low + 1, column: clamped - this.lineStarts[low] + 1 };
  }

  offsetAt(position: Position): number {
    const start = this.lineStarts[position.line - 1] ?? this.text.length;
    return Math.min(start + position.column - 1, this.text.length);
  }

  /** The text of a 1-based line, without its line break. */
  lineText(line: number): string {
    const start = this.lineStarts[line - 1];
    if (start === undefined) return '';
    const next = this.lineStarts[line];
    const end = next === undefined ? this.text.length : next - 1;
    return this.text.slice(start, end).replace(/\r$/, '');
  }
}

/** Whether a character code is whitespace as JavaScript's `\s` and `trim()` see it (the common cases first). */
export function isWhitespace(c: number): boolean {
  if (c === 0x20 || (c >= 0x09 && c <= 0x0d)) return true;
  return c >= 0xa0 && /\s/.test(String.fromCharCode(c));
}
