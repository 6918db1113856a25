// V8 settings for a server that idles most of its life and should fit a small container. Set at
// run time (V8 reads them when it next decides), so that `node dist/main.js` behaves as `npm start`
// does and no flag has to travel with the command.
import v8 from 'node:v8';

/**
 * How much a WebAssembly function runs before V8 recompiles it with its optimising compiler, 50
 * times V8's default. PGlite (the embedded PostgreSQL) and Prisma's query compiler are WebAssembly;
 * with the default, start-up alone (opening the database, the first queries) makes dozens of
 * functions "hot", and their optimised code and the compiler's working memory stay resident: about
 * 45 MB of an idle server. What a steady load keeps running still crosses the higher threshold
 * within moments and is optimised as before.
 */
export const WASM_TIERING_BUDGET = 90_000_000;
/** V8's own factor by which the young generation grows under allocation pressure. */
const DEFAULT_SEMI_SPACE_GROWTH_FACTOR = 2;

/** Before the service is loaded. */
export function applyStartUpV8Settings(): void {
  v8.setFlagsFromString(`--wasm-tiering-budget=${WASM_TIERING_BUDGET}`);
  // The young generation starts at 1 MB semi-spaces, and start-up's allocation burst alone grew
  // them to 16 MB, which V8 then kept committed while idle (~25 MB): it stays small while loading.
  v8.setFlagsFromString('--semi-space-growth-factor=1');
}

/**
 * Once serving: the young generation grows again as a load needs (fanning an event out to
 * thousands of sockets allocates megabytes at once; in a 1 MB nursery that was 40 % more CPU).
 */
export function applyServingV8Settings(): void {
  v8.setFlagsFromString(`--semi-space-growth-factor=${DEFAULT_SEMI_SPACE_GROWTH_FACTOR}`);
}
