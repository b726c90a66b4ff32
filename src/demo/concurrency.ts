/** A bounded parallel map for the demo's FFmpeg jobs (a few lines; not worth a dependency). */

/**
 * Calls `fn` on every item with at most `limit` calls in flight; results keep the items' order.
 *
 * @example
 * const sizes = await mapConcurrent(paths, 2, async (p) => (await stat(p)).size);
 */
export async function mapConcurrent<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await fn(items[index], index);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return results;
}
