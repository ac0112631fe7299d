/**
 * Concurrency for `stagepack test --jobs N`: a pool that runs at most N tasks at once and keeps results in
 * input order. Some tasks must never overlap each other (`exclusive`): runs that build Dev Container
 * Features. `devcontainer features test` removes every container labelled as a test run, not only its own,
 * and without buildx every feature build of the Dev Containers CLI goes through one fixed image name
 * (`dev_container_feature_content_temp`), which two builds at once overwrite for each other. Exclusive
 * tasks form one lane that starts at once, one task after the other, while the other workers take the rest.
 */

export interface PoolOptions<T> {
  /** Checked before each task starts: true stops the pool from starting more. */
  stop?: () => boolean;
  /** Tasks that run one at a time, never beside another exclusive task. */
  exclusive?: (item: T) => boolean;
}

export async function runPool<T, R>(items: readonly T[], jobs: number, task: (item: T, index: number) => Promise<R>, options: PoolOptions<T> = {}): Promise<(R | undefined)[]> {
  const results: (R | undefined)[] = new Array(items.length).fill(undefined);
  const isExclusive = (index: number) => Boolean(options.exclusive?.(items[index]));
  const exclusive = items.map((_, i) => i).filter(isExclusive);
  const shared = items.map((_, i) => i).filter((i) => !isExclusive(i));
  let exclusiveRunning = false;
  let waiting: (() => void)[] = [];
  const pick = (): { index: number; exclusive: boolean } | undefined => {
    if (!exclusiveRunning && exclusive.length) {
      exclusiveRunning = true;
      return { index: exclusive.shift() as number, exclusive: true };
    }
    if (shared.length) return { index: shared.shift() as number, exclusive: false };
    return undefined;
  };
  const worker = async (): Promise<void> => {
    for (;;) {
      if (options.stop?.()) return;
      const picked = pick();
      if (!picked) {
        // Only exclusive tasks are left and one is running: wait for it, then take the next one.
        if (!exclusive.length) return;
        await new Promise<void>((resolve) => waiting.push(resolve));
        continue;
      }
      try {
        results[picked.index] = await task(items[picked.index], picked.index);
      } finally {
        if (picked.exclusive) {
          exclusiveRunning = false;
          const wake = waiting;
          waiting = [];
          for (const resolve of wake) resolve();
        }
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(jobs, items.length)) }, worker));
  return results;
}
