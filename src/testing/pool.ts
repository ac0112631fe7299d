/**
 * Concurrency for `stagepack test --jobs N`: a pool that runs at most N tasks at once and keeps results in
 * input order, and a mutex for what must never overlap (`devcontainer features test`, whose clean-up
 * removes every container labelled as a test run, not only its own).
 */

export async function runPool<T, R>(items: readonly T[], jobs: number, task: (item: T, index: number) => Promise<R>, stop: () => boolean = () => false): Promise<(R | undefined)[]> {
  const results: (R | undefined)[] = new Array(items.length).fill(undefined);
  let next = 0;
  const worker = async () => {
    while (next < items.length && !stop()) {
      const index = next++;
      results[index] = await task(items[index], index);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(jobs, items.length)) }, worker));
  return results;
}

export class Mutex {
  private tail: Promise<void> = Promise.resolve();

  /** Runs `task` once every task locked before it has finished. */
  lock<R>(task: () => Promise<R>): Promise<R> {
    const result = this.tail.then(task);
    this.tail = result.then(() => undefined, () => undefined);
    return result;
  }
}
