// PGlite as pglite-prisma-adapter should drive it. The adapter passes its map of result parsers
// with every query, and PGlite merges that map into its own (~320 entries) on every call: about
// 0.1 ms a statement, the largest single cost of a webhook on the embedded database. The parsers
// never change, so they are installed into PGlite once and left off each query.
import type { PGlite, QueryOptions, Transaction } from '@electric-sql/pglite';

type Query = PGlite['query'];

export function withParsersInstalledOnce(pglite: PGlite): PGlite {
  let installed: QueryOptions['parsers'];
  const strip = (options?: QueryOptions): QueryOptions | undefined => {
    if (!options?.parsers) return options;
    const { parsers, ...rest } = options;
    if (parsers !== installed) {
      Object.assign(pglite.parsers, parsers);
      installed = parsers;
    }
    return rest;
  };
  const query =
    (run: Query): Query =>
    (sql, params, options) =>
      run(sql, params, strip(options));

  const transaction: PGlite['transaction'] = (callback) =>
    pglite.transaction((tx) => callback(override(tx, { query: query(tx.query.bind(tx)) })));

  return override(pglite, { query: query(pglite.query.bind(pglite)), transaction });
}

/** The object with some methods replaced; the others still run on the object itself (PGlite keeps private state). */
function override<T extends PGlite | Transaction>(target: T, methods: Partial<T>): T {
  return new Proxy(target, {
    get(object, property) {
      if (Object.hasOwn(methods, property)) return methods[property as keyof T];
      const value: unknown = Reflect.get(object, property, object);
      return typeof value === 'function' ? value.bind(object) : value;
    },
  });
}
