/**
 * What is computed from a text (a parse, the words of a command), remembered by the text, within a budget of
 * characters.
 *
 * Lint parses a file once per template and again for an option variant whose value changes how the file
 * reads, and several rules split the same command; the same text comes back within a template, rarely across
 * a collection. A parsed model takes about fifteen times its text in memory, so a cache counted in entries
 * (500 Dockerfiles of 11 KB held 70 MB on a collection of 1,000 templates) grows with the files instead of
 * with what lint can use again. When the budget is spent the cache starts again empty; a text larger than
 * the whole budget is computed every time and not kept.
 */
export class TextCache<T> {
  private readonly entries = new Map<string, T>();
  private used = 0;

  constructor(
    private readonly compute: (text: string) => T,
    /** Source characters kept at most. */
    private readonly budget: number,
  ) {}

  get(text: string): T {
    const known = this.entries.get(text);
    // (A parse may give undefined, which is remembered too.)
    if (known !== undefined || this.entries.has(text)) return known as T;
    const parsed = this.compute(text);
    if (text.length > this.budget) return parsed;
    if (this.used + text.length > this.budget) {
      this.entries.clear();
      this.used = 0;
    }
    this.entries.set(text, parsed);
    this.used += text.length;
    return parsed;
  }
}
