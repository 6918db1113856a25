// V8 settings for a server that idles most of its life and should fit a small container. Set at
// run time (V8 reads both when it next decides), before the application is loaded, so that `node
// dist/main.js` behaves the same as `npm start` and no flag has to travel with the command.
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

export function applyV8Settings(): void {
  v8.setFlagsFromString(`--wasm-tiering-budget=${WASM_TIERING_BUDGET}`);
  // The young generation starts at 1 MB semi-spaces and V8 grows them (up to 16 MB) under an
  // allocation burst, then keeps the pages: start-up's burst alone left ~25 MB resident. A request
  // allocates little that outlives it, so the young generation stays at its starting size.
  v8.setFlagsFromString('--semi-space-growth-factor=1');
}
