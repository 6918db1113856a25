// One query for the same field of many parents: calls made while a GraphQL level resolves (the
// same tick) are gathered per request and per batch key, then answered by one load. What
// DataLoader does, for the few fields that are not Prisma relations (the plugin batches those).
const batches = new WeakMap<object, Map<string, Batch<any, any>>>();

interface Batch<K, V> {
  keys: K[];
  waiting: Array<{ key: K; resolve(value: V): void; reject(error: unknown): void }>;
}

/**
 * Resolves `key` with the value `load` gives it, `load` being called once with every key asked for
 * under the same `ctx` and `batchKey` (say, a field and its arguments) in this tick.
 */
export function loadBatched<K, V>(
  ctx: object,
  batchKey: string,
  key: K,
  load: (keys: K[]) => Promise<Map<K, V>>,
): Promise<V> {
  let perRequest = batches.get(ctx);
  if (!perRequest) batches.set(ctx, (perRequest = new Map()));
  let batch = perRequest.get(batchKey) as Batch<K, V> | undefined;
  if (!batch) {
    const fresh: Batch<K, V> = (batch = { keys: [], waiting: [] });
    perRequest.set(batchKey, fresh);
    // after the promise jobs of this tick, as DataLoader schedules: sibling resolvers have all asked
    Promise.resolve().then(() =>
      process.nextTick(() => {
        perRequest!.delete(batchKey);
        load([...new Set(fresh.keys)]).then(
          (values) => fresh.waiting.forEach((w) => w.resolve(values.get(w.key) as V)),
          (error) => fresh.waiting.forEach((w) => w.reject(error)),
        );
      }),
    );
  }
  batch.keys.push(key);
  return new Promise<V>((resolve, reject) => batch!.waiting.push({ key, resolve, reject }));
}
