// The minimal classes in regressions.ts, replayed against the running service and the model: each
// is a failure found once, which must not come back.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/server.ts';
import { playScenario } from './deliver.ts';
import { regressions } from './regressions.ts';

let app: TestServer;
beforeAll(async () => {
  app = await startTestServer();
});
afterAll(() => app?.close());

describe('attendance regressions (minimal classes, against the model)', () => {
  it.each(regressions.map((c) => [c.name, c] as const))('%s', async (_, c) => {
    for (let k = 0; k < (c.repeat ?? 1); k++) {
      const failure = await playScenario(app, c, { concurrency: c.concurrency ?? 1 });
      if (failure !== null) expect.fail(`breaks: ${c.rule} (replay ${k + 1} of ${c.repeat ?? 1})\n${failure}`);
    }
  });
});
