/**
 * Parses remembered by their source text, within a budget of source characters.
 *
 * Lint parses a file once per template and again for an option variant whose value changes how the file
 * reads; the same text comes back within a template, rarely across a collection. A parsed model takes about
 * fifteen times its text in memory, so a cache counted in entries (500 Dockerfiles of 11 KB held 70 MB on
 * a collection of 1,000 templates) grows with the files instead of with what lint can use again. When the
 * budget is spent the cache starts again empty; a text larger than the whole budget is parsed and not kept.
 */
export class TextCache<T> {
  private readonly entries = new Map<string, T>();
  private used = 0;

  constructor(
    private readonly parse: (text: string) => T,
    /** Source characters kept at most. */
    private readonly budget: number,
  ) {}

  get(text: string): T {
    const known = this.entries.get(text);
    if (known !== undefined) return known;
    const parsed = this.parse(text);
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
