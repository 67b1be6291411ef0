/**
 * Runs `fn` over `items` with at most `limit` at once. After the first failure no new item starts (the ones
 * already running finish); returns every settled result in input order, items never started as `skipped`.
 */
export async function runBounded<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T, index: number) => Promise<R>,
): Promise<({ status: 'fulfilled'; value: R } | { status: 'rejected'; reason: unknown } | { status: 'skipped' })[]> {
  const results: ({ status: 'fulfilled'; value: R } | { status: 'rejected'; reason: unknown } | { status: 'skipped' })[] = items.map(() => ({
    status: 'skipped',
  }));
  let next = 0;
  let failed = false;
  const worker = async () => {
    while (!failed && next < items.length) {
      const index = next++;
      try {
        results[index] = { status: 'fulfilled', value: await fn(items[index]!, index) };
      } catch (reason) {
        results[index] = { status: 'rejected', reason };
        failed = true;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return results;
}
