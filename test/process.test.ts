// The service as users run it: a child process started from the repository root (`node dist/main.js`,
// the compiled server `npm start` execs; test/runtime/ starts `npm start` itself), configured
// through its environment, stopped with SIGTERM.
// Process starts cost seconds each (the first creates the embedded database), so the tests of the
// "running instance" block share one DATA_DIR and one instance at a time, in order.
import { existsSync, writeFileSync } from 'node:fs';
import { createServer as createNetServer, type AddressInfo } from 'node:net';
import path from 'node:path';
import { createClient, type Client } from 'graphql-ws';
import { afterAll, afterEach, beforeAll, describe, expect, test, vi } from 'vitest';
import WebSocket from 'ws';
import { fixture, fixtureWith } from './support/plugnmeet.ts';
import {
  killAll,
  removeDir,
  serviceEnv,
  spawnService,
  startService,
  tempDataDir,
  type ServiceProcess,
} from './support/process-helpers.ts';

vi.setConfig({ testTimeout: 90_000, hookTimeout: 90_000 });

const ROOM_ID = 'algebra-101-20261124090000';
const ADMIN_TOKEN = 'process-test-admin-token-0123456789';
/** The spec's deadline for a graceful stop. */
const SIGTERM_DEADLINE_MS = 10_000;

const LIVE_SESSION = /* GraphQL */ `
  query ($roomId: String!) {
    liveSession(roomId: $roomId) { onlineCount attendances { user { id } } }
  }
`;

const userIds = (body: any): string[] =>
  (body?.data?.liveSession?.attendances ?? []).map((a: { user: { id: string } }) => a.user.id).sort();

describe('a running instance on its own DATA_DIR', () => {
  let dataDir: string;
  /** The instance the next test talks to; replaced when a test restarts it. */
  let service: ServiceProcess | undefined;
  const wsClients: Client[] = [];

  const start = async () => startService({ env: await serviceEnv(dataDir, { ADMIN_API_TOKEN: ADMIN_TOKEN }) });

  /** The current instance, started again if an earlier test left none running. */
  async function running(): Promise<ServiceProcess> {
    if (!service?.isRunning()) service = await start();
    return service;
  }

  beforeAll(async () => {
    dataDir = tempDataDir();
    service = await start();
  });

  afterEach(async () => {
    await Promise.all(wsClients.splice(0).map((c) => c.dispose()));
  });

  afterAll(async () => {
    await killAll();
    removeDir(dataDir);
  });

  test('/health and /ready answer 200 {"status":"ok"} while running', async () => {
    const s = await running();
    const health = await fetch(`${s.url}/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok' });

    const ready = await fetch(`${s.url}/ready`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ status: 'ok' });
  });

  test('with ADMIN_API_TOKEN set, GraphQL refuses a request without the token and serves one with it', async () => {
    const s = await running();

    const anonymous = await s.graphql(LIVE_SESSION, { roomId: ROOM_ID });
    const refused =
      anonymous.status === 401 ||
      (Array.isArray(anonymous.body?.errors) &&
        anonymous.body.errors.some((e: any) => e?.extensions?.code === 'UNAUTHENTICATED'));
    expect(refused, JSON.stringify(anonymous)).toBe(true);
    expect(anonymous.body?.data?.liveSession ?? null).toBeNull();

    const wrong = await s.graphql(LIVE_SESSION, { roomId: ROOM_ID }, 'not-the-admin-token-at-all');
    expect(
      wrong.status === 401 || wrong.body?.errors?.[0]?.extensions?.code === 'UNAUTHENTICATED',
      JSON.stringify(wrong),
    ).toBe(true);

    const admin = await s.graphql(LIVE_SESSION, { roomId: ROOM_ID }, ADMIN_TOKEN);
    expect(admin.status, JSON.stringify(admin.body)).toBe(200);
    expect(admin.body.errors).toBeUndefined();
    expect(admin.body.data).toHaveProperty('liveSession');
  });

  test('a second start on the same DATA_DIR fails fast with a clear message, and the first keeps serving', async () => {
    const first = await running();
    const second = spawnService({ env: await serviceEnv(dataDir, { ADMIN_API_TOKEN: ADMIN_TOKEN }) });
    try {
      // Bounded, not a speed assertion: it must give up on its own instead of waiting or serving.
      const exit = await second.waitForExit(60_000);
      expect(exit.code, second.describe()).not.toBe(0);
      expect(exit.code, second.describe()).not.toBeNull();
      expect(second.stderr()).toMatch(/DATA_DIR/);
      expect(second.stderr()).toMatch(/in use/i);
      expect(second.stderr()).not.toMatch(/^\s+at /m); // a message, not a stack trace
      // It never served.
      await expect(fetch(`${second.url}/health`)).rejects.toThrow();
    } finally {
      await second.kill();
    }

    expect(first.isRunning(), first.describe()).toBe(true);
    const ready = await fetch(`${first.url}/ready`);
    expect(ready.status).toBe(200);
    const answer = await first.graphql(LIVE_SESSION, { roomId: ROOM_ID }, ADMIN_TOKEN);
    expect(answer.status).toBe(200);
    expect(answer.body.errors).toBeUndefined();
  });

  test('a restart keeps everything: sessions, attendances and the record of delivered events', async () => {
    const before = await running();
    for (const name of [
      '01-room_created',
      '02-room_started',
      '03-participant_joined-moderator',
      '04-participant_joined-student',
    ]) {
      const response = await before.postWebhook(fixture(name));
      const body = await response.json();
      expect(response.status, `${name}: ${JSON.stringify(body)}`).toBe(200);
      expect(body.status, name).toBe('ok');
      expect(body.duplicate, name).toBeFalsy();
    }
    const live = await before.graphql(LIVE_SESSION, { roomId: ROOM_ID }, ADMIN_TOKEN);
    expect(live.body.errors).toBeUndefined();
    expect(live.body.data.liveSession.onlineCount).toBe(2);
    expect(userIds(live.body)).toEqual(['1001', '27']);

    const exit = await before.stop(SIGTERM_DEADLINE_MS);
    expect(exit, before.describe()).toEqual({ code: 0, signal: null });

    service = await start();
    const after = await service.graphql(LIVE_SESSION, { roomId: ROOM_ID }, ADMIN_TOKEN);
    expect(after.status, JSON.stringify(after.body)).toBe(200);
    expect(after.body.errors).toBeUndefined();
    expect(after.body.data.liveSession.onlineCount).toBe(2);
    expect(userIds(after.body)).toEqual(['1001', '27']);

    // The inbox survived too: a redelivery of an event from before the restart changes nothing.
    const again = await service.postWebhook(fixture('04-participant_joined-student'));
    expect(again.status).toBe(200);
    expect(await again.json()).toMatchObject({ status: 'ok', duplicate: true });
    const unchanged = await service.graphql(LIVE_SESSION, { roomId: ROOM_ID }, ADMIN_TOKEN);
    expect(unchanged.body.data.liveSession.onlineCount).toBe(2);
    expect(userIds(unchanged.body)).toEqual(['1001', '27']);
  });

  test('SIGTERM with a graphql-ws subscriber connected closes its socket with 1001 and exits 0', async () => {
    const s = await running();
    const closeCodes: number[] = [];
    const received: unknown[] = [];
    let failure: unknown;

    const connected = new Promise<void>((resolve) => {
      const client = createClient({
        url: s.wsUrl,
        webSocketImpl: WebSocket,
        connectionParams: { authorization: `Bearer ${ADMIN_TOKEN}` },
        retryAttempts: 0,
        lazy: false,
        // a closed socket reaches the subscriptions as an error; graphql-ws would also print it to stderr
        onNonLazyError: () => {},
        on: {
          connected: () => resolve(),
          closed: (event) => closeCodes.push((event as { code: number }).code),
        },
      });
      wsClients.push(client);
      client.subscribe(
        { query: 'subscription { liveSessionChanged { kind } }' },
        {
          next: (value) => received.push(value),
          error: (error) => (failure = error),
          complete: () => {},
        },
      );
    });
    await connected;

    // Prove the subscription is live in the real process: a new room run starts a session.
    const deadline = Date.now() + 15_000;
    let started = false;
    for (let attempt = 0; !started && Date.now() < deadline; attempt++) {
      const body = fixtureWith('02-room_started', (event) => {
        event.id = `process-test-room-started-${attempt}`;
        event.room.sid = `RM_processTest${attempt}`;
        event.room.room_id = `geometry-201-2026112409000${attempt % 10}`;
      });
      const response = await s.postWebhook(body);
      expect(response.status).toBe(200);
      const until = Date.now() + 2_000;
      while (received.length === 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
      started = received.length > 0;
    }
    expect(received[0], `subscription failure: ${String(failure)}`).toEqual({
      data: { liveSessionChanged: { kind: 'STARTED' } },
    });

    const exit = await s.stop(SIGTERM_DEADLINE_MS);
    expect(exit, s.describe()).toEqual({ code: 0, signal: null });
    // The close frame arrives before the process is gone; give the client's event loop a turn.
    const until = Date.now() + 2_000;
    while (closeCodes.length === 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
    expect(closeCodes[0]).toBe(1001);
  });
});

describe('invalid configuration stops start-up with a clear line naming the variable', () => {
  const dirs: string[] = [];

  afterEach(async () => {
    await killAll();
    dirs.splice(0).forEach(removeDir);
  });

  /** Starts with a bad environment and returns its exit and stderr (it must exit by itself). */
  async function startWith(extra: Record<string, string | undefined>) {
    const dataDir = tempDataDir();
    dirs.push(dataDir);
    const s = spawnService({ env: await serviceEnv(dataDir, extra) });
    const exit = await s.waitForExit(60_000);
    const stderr = s.stderr();
    expect(exit.code, s.describe()).not.toBe(0);
    expect(exit.code, s.describe()).not.toBeNull();
    expect(stderr, 'a message, not a stack trace').not.toMatch(/^\s+at /m);
    expect(stderr).not.toMatch(/failed to start/);
    // Nothing was served and no database was created.
    expect(s.stdout()).not.toMatch(/serving GraphQL/);
    expect(existsSync(`${dataDir}/pgdata`)).toBe(false);
    return {
      exit,
      stderr,
      lines: stderr
        .split('\n')
        .map((l) => l.trim())
        .filter(Boolean),
    };
  }

  test('PORT=abc', async () => {
    const { lines } = await startWith({ PORT: 'abc' });
    expect(lines).toEqual(['rollcall: invalid PORT: must be a whole number from 0 to 65535 (got "abc")']);
  });

  test('DATABASE_URL=mysql://x', async () => {
    const { lines } = await startWith({ DATABASE_URL: 'mysql://x' });
    const named = lines.filter((l) => /\bDATABASE_URL\b/.test(l));
    expect(named, lines.join('\n')).toHaveLength(1);
    expect(named[0]).toMatch(/postgres/); // says what is expected
  });

  test('NODE_ENV=production without credentials names each missing variable', async () => {
    const { lines } = await startWith({
      NODE_ENV: 'production',
      PLUGNMEET_API_KEY: undefined,
      PLUGNMEET_API_SECRET: undefined,
      ADMIN_API_TOKEN: undefined,
    });
    for (const name of ['PLUGNMEET_API_KEY', 'PLUGNMEET_API_SECRET', 'ADMIN_API_TOKEN']) {
      const named = lines.filter((l) => new RegExp(`\\b${name}\\b`).test(l) && /missing|required/i.test(l));
      expect(named.length, `${name} in:\n${lines.join('\n')}`).toBeGreaterThanOrEqual(1);
    }
  });
});

describe('a start-up that cannot go on says why in one line naming the variable', () => {
  const dirs: string[] = [];
  afterEach(async () => {
    await killAll();
    dirs.splice(0).forEach(removeDir);
  });

  async function failedStart(extra: Record<string, string>) {
    const dataDir = tempDataDir();
    dirs.push(dataDir);
    const s = spawnService({ env: await serviceEnv(dataDir, extra) });
    const exit = await s.waitForExit(60_000);
    expect(exit.code, s.describe()).toBe(1);
    const stderr = s.stderr();
    expect(stderr, 'a message, not a stack trace').not.toMatch(/^\s+at /m);
    expect(stderr).not.toMatch(/failed to start|Internal error/);
    return {
      dataDir,
      lines: stderr
        .split('\n')
        .map((l) => l.trim())
        .filter(Boolean),
    };
  }

  test('PORT already in use', async () => {
    const taken = createNetServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const port = (taken.address() as AddressInfo).port;
    try {
      const { lines } = await failedStart({ PORT: String(port) });
      expect(lines).toEqual([
        `rollcall: cannot listen on 127.0.0.1:${port}: the address is in use (another process on PORT ${port}?)`,
      ]);
    } finally {
      taken.close();
    }
  });

  test('DATA_DIR that is a file', async () => {
    const file = path.join(tempDataDir(), 'not-a-folder');
    dirs.push(path.dirname(file));
    writeFileSync(file, 'x');
    const { lines } = await failedStart({ DATA_DIR: file });
    expect(lines).toEqual([
      `rollcall: DATA_DIR ${file} cannot hold the database: it (or a folder on its path) is a file`,
    ]);
  });
});
