// The load generator: its own process (never a server's), started by bench/run.ts for one server
// and one round. It talks only to 127.0.0.1, every loop is bounded in count and in time, and all
// timing is taken here, on one clock. Progress goes to stderr; results go back over IPC.
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import { performance } from 'node:perf_hooks';
import { WebSocket } from 'ws';
import {
  ATTENDANCE_SUBSCRIPTION,
  RESUMABLE_ATTENDANCE_SUBSCRIPTION,
  BENCH_ADMIN_TOKEN,
  dashboardToken,
  DASHBOARD_QUERY,
  LIVE_SESSION_SUBSCRIPTION,
  newRun,
  participantBody,
  trackBody,
  percentile,
  roomBody,
  signAll,
  sleep,
  UPSERT_COURSE,
  type RoomRun,
  type SignedRequest,
  type TargetKind,
} from './common.ts';

export type ScenarioName = 'ingest' | 'join' | 'fanout' | 'course' | 'viewers' | 'dashboard' | 'statements' | 'catchup';

export interface Sizes {
  ingestWarmup: number;
  ingestEvents: number;
  ingestInFlight: number;
  ingestMaxMs: number;
  joinWarmup: number;
  joinEvents: number;
  joinMaxMs: number;
  fanoutSubscribers: number[];
  fanoutEvents: number;
  /** stop sending fan-out events after this long (the figure then covers fewer events; reported) */
  fanoutMaxMs: number;
  fanoutEventTimeoutMs: number;
  dashboardAttendances: number;
  dashboardQueries: number;
  dashboardInFlight: number;
  dashboardMaxMs: number;
  /** changes a dashboard misses and catches up on (Rollcall only: the baseline cannot resume) */
  catchupChanges: number;
}

export interface LoadConfig {
  target: TargetKind;
  label: string;
  url: string;
  debugUrl: string;
  scenarios: ScenarioName[];
  sizes: Sizes;
  /** when set: CPU-profile the server over each measured phase, into this folder */
  profileDir?: string;
}

/** metric name -> value; '<scenario>.error' entries say a scenario failed to run. */
export type Metrics = Record<string, number>;
export interface LoadResult {
  metrics: Metrics;
  errors: string[];
  notes: string[];
}

const config: LoadConfig = JSON.parse(process.env.BENCH_LOAD_CONFIG ?? 'null');
if (!config) throw new Error('BENCH_LOAD_CONFIG is required (bench/run.ts starts this process)');
const base = new URL(config.url);
if (base.hostname !== '127.0.0.1') throw new Error('the load generator only sends to 127.0.0.1');
const wsBase = config.url.replace(/^http/, 'ws');
const isRollcall = config.target === 'rollcall';
const tag = randomBytes(3).toString('hex');

const log = (message: string) => process.stderr.write(`  ${config.label} ${message}\n`);
const ms = (v: number) => (Number.isFinite(v) ? `${v.toFixed(1)} ms` : 'n/a');

// ---- HTTP ------------------------------------------------------------------------------------------

const agent = new http.Agent({ keepAlive: true, maxSockets: 128 });

interface Reply {
  status: number;
  body: Buffer;
}

/**
 * One HTTP request on a keep-alive socket. A reused socket that the server closed while idle (its
 * keep-alive timeout racing our reuse) fails with ECONNRESET before any answer: that request is
 * sent again, once, as Node's documentation advises (webhooks are idempotent by event id anyway).
 */
async function request(
  url: string,
  method: string,
  body?: Buffer,
  headers: Record<string, string> = {},
  timeoutMs = 60_000,
): Promise<Reply> {
  try {
    return await requestOnce(url, method, body, headers, timeoutMs);
  } catch (error) {
    if ((error as { reusedSocket?: boolean }).reusedSocket && (error as NodeJS.ErrnoException).code === 'ECONNRESET') {
      return requestOnce(url, method, body, headers, timeoutMs);
    }
    throw error;
  }
}

function requestOnce(
  url: string,
  method: string,
  body: Buffer | undefined,
  headers: Record<string, string>,
  timeoutMs: number,
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      url,
      { method, agent, headers: body ? { ...headers, 'content-length': String(body.length) } : headers },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks) }));
        res.on('error', reject);
      },
    );
    req.setTimeout(timeoutMs, () => req.destroy(new Error(`${method} ${url}: no answer within ${timeoutMs} ms`)));
    req.on('error', (error) => reject(Object.assign(error, { reusedSocket: req.reusedSocket })));
    req.end(body);
  });
}

const webhookUrl = `${config.url}/webhooks/plugnmeet`;
function postWebhook(signed: SignedRequest): Promise<Reply> {
  return request(webhookUrl, 'POST', signed.body, {
    'content-type': 'application/json',
    authorization: signed.token,
    'hash-token': signed.token,
  });
}

async function postOk(signed: SignedRequest): Promise<void> {
  const reply = await postWebhook(signed);
  if (reply.status !== 200) throw new Error(`webhook answered ${reply.status}: ${reply.body.toString().slice(0, 300)}`);
}

async function graphql(query: string, variables: Record<string, unknown>): Promise<any> {
  const reply = await request(`${config.url}/graphql`, 'POST', Buffer.from(JSON.stringify({ query, variables })), {
    'content-type': 'application/json',
    accept: 'application/graphql-response+json, application/json',
    authorization: `Bearer ${BENCH_ADMIN_TOKEN}`,
  });
  const json = JSON.parse(reply.body.toString());
  if (reply.status !== 200 || json.errors)
    throw new Error(`GraphQL answered ${reply.status}: ${reply.body.toString().slice(0, 300)}`);
  return json.data;
}

async function debug<T = any>(path: string): Promise<T> {
  const reply = await request(`${config.debugUrl}${path}`, 'GET');
  if (reply.status !== 200) throw new Error(`debug ${path} answered ${reply.status}: ${reply.body.toString()}`);
  return JSON.parse(reply.body.toString());
}

/** Brackets a measured phase with a server CPU profile, when asked for. */
async function profiled<T>(name: string, run: () => Promise<T>): Promise<T> {
  if (!config.profileDir) return run();
  await debug('/profile/start');
  try {
    return await run();
  } finally {
    const file = `${config.profileDir}/${name}.cpuprofile`;
    await debug(`/profile/stop?file=${encodeURIComponent(file)}`);
    log(`profile of ${name}: ${file}`);
  }
}

/** The dashboard's view of a room, from either server (the same fields). */
async function liveSession(roomId: string): Promise<any> {
  if (isRollcall) return (await graphql(DASHBOARD_QUERY, { roomId })).liveSession;
  const reply = await request(`${config.url}/live-session?roomId=${encodeURIComponent(roomId)}`, 'GET', undefined, {
    authorization: `Bearer ${BENCH_ADMIN_TOKEN}`,
  });
  return JSON.parse(reply.body.toString()).data.liveSession;
}

async function createCourse(slug: string, managerIds?: string[]): Promise<string> {
  if (isRollcall) return (await graphql(UPSERT_COURSE, { slug, title: `Course ${slug}`, managerIds })).upsertCourse.id;
  const reply = await request(
    `${config.url}/courses`,
    'POST',
    Buffer.from(JSON.stringify({ slug, title: `Course ${slug}`, managerIds })),
    {
      'content-type': 'application/json',
      authorization: `Bearer ${BENCH_ADMIN_TOKEN}`,
    },
  );
  if (reply.status !== 200)
    throw new Error(`POST /courses answered ${reply.status}: ${reply.body.toString().slice(0, 200)}`);
  return JSON.parse(reply.body.toString()).id;
}

/** Runs `fn` over `count` indices with `inFlight` at a time, stopping early at the deadline. */
async function pooled(
  count: number,
  inFlight: number,
  deadline: number,
  fn: (i: number) => Promise<void>,
): Promise<number> {
  let next = 0;
  const worker = async () => {
    while (next < count && performance.now() < deadline) await fn(next++);
  };
  await Promise.all(Array.from({ length: Math.min(inFlight, count) }, worker));
  return next;
}

// ---- subscribers -----------------------------------------------------------------------------------

interface Subscriber {
  ws: WebSocket;
  /** the sequence number of the last event this subscriber received */
  seen: number;
}

type OnMessage = (sub: Subscriber, data: Buffer) => void;

/**
 * A graphql-ws (graphql-transport-ws) subscriber for Rollcall, or a raw ws subscriber for the
 * baseline; both present `token` (the admin token unless given) when they connect.
 */
function subscribe(
  scope: { roomId: string; after?: string } | { courseId: string },
  onMessage: OnMessage,
  token = BENCH_ADMIN_TOKEN,
): Promise<Subscriber> {
  return new Promise((resolve, reject) => {
    const path = isRollcall
      ? '/graphql'
      : 'roomId' in scope
        ? `/ws?room=${encodeURIComponent(scope.roomId)}&token=${encodeURIComponent(token)}`
        : `/ws?course=${encodeURIComponent(scope.courseId)}&token=${encodeURIComponent(token)}`;
    const ws = isRollcall
      ? new WebSocket(wsBase + path, 'graphql-transport-ws', { perMessageDeflate: false })
      : new WebSocket(wsBase + path, { perMessageDeflate: false });
    const sub: Subscriber = { ws, seen: -1 };
    const timer = setTimeout(() => {
      ws.terminate();
      reject(new Error('subscriber not connected within 30 s'));
    }, 30_000);
    let ready = false;
    ws.on('error', (error) => {
      clearTimeout(timer);
      if (!ready) reject(error);
    });
    ws.on('close', (code, reason) => {
      clearTimeout(timer);
      if (!ready) reject(new Error(`closed before subscribing: ${code} ${reason.toString()}`));
    });
    ws.on('open', () => {
      if (isRollcall)
        ws.send(JSON.stringify({ type: 'connection_init', payload: { authorization: `Bearer ${token}` } }));
    });
    ws.on('message', (data: Buffer) => {
      if (ready) return onMessage(sub, data);
      ready = true;
      clearTimeout(timer);
      if (!isRollcall) {
        // the baseline answers {"type":"ready"} once the socket is subscribed
        return data.includes('"ready"')
          ? resolve(sub)
          : reject(new Error(`expected ready, got ${data.toString().slice(0, 200)}`));
      }
      // graphql-ws: the first message is connection_ack; then subscribe
      if (!data.includes('connection_ack'))
        return reject(new Error(`expected connection_ack, got ${data.toString().slice(0, 200)}`));
      const payload =
        'roomId' in scope
          ? scope.after !== undefined
            ? {
                query: RESUMABLE_ATTENDANCE_SUBSCRIPTION,
                variables: { roomId: scope.roomId, after: scope.after || null },
              }
            : { query: ATTENDANCE_SUBSCRIPTION, variables: { roomId: scope.roomId } }
          : { query: LIVE_SESSION_SUBSCRIPTION, variables: { courseId: scope.courseId } };
      ws.send(JSON.stringify({ id: '1', type: 'subscribe', payload }));
      resolve(sub);
    });
  });
}

async function openSubscribers(
  n: number,
  scope: { roomId: string } | { courseId: string },
  onMessage: OnMessage,
  tokenFor: (i: number) => string = () => BENCH_ADMIN_TOKEN,
): Promise<Subscriber[]> {
  const subs: Subscriber[] = [];
  const batch = 250;
  for (let i = 0; i < n; i += batch) {
    subs.push(
      ...(await Promise.all(
        Array.from({ length: Math.min(batch, n - i) }, (_, j) => subscribe(scope, onMessage, tokenFor(i + j))),
      )),
    );
  }
  return subs;
}

async function closeSubscribers(subs: Subscriber[]): Promise<void> {
  await Promise.all(
    subs.map(
      (s) =>
        new Promise<void>((resolve) => {
          if (s.ws.readyState === WebSocket.CLOSED) return resolve();
          const timer = setTimeout(() => {
            s.ws.terminate();
            resolve();
          }, 10_000);
          s.ws.once('close', () => {
            clearTimeout(timer);
            resolve();
          });
          s.ws.close();
        }),
    ),
  );
}

/** Every marker occurs in the message (cheap byte search: the client's cost must stay small). */
const matches = (data: Buffer, markers: Buffer[]) => markers.every((m) => data.includes(m));
const quoted = (s: string) => Buffer.from(JSON.stringify(s));
const errorMarker = Buffer.from('"errors"');

// ---- scenarios -------------------------------------------------------------------------------------

async function ingest(m: Metrics, s: Sizes) {
  const run = newRun(`ingest-${tag}`);
  // each user joins, turns their camera on and off, and leaves: the mix of a class
  const users = Math.floor(s.ingestEvents / 4);
  const each = <T>(make: (i: number) => T) => Array.from({ length: users }, (_, i) => make(i));
  const bodies = [
    ...Array.from({ length: s.ingestWarmup }, (_, i) => participantBody('participant_joined', run, `w-${tag}-${i}`)),
    ...each((i) => participantBody('participant_joined', run, `i-${tag}-${i}`)),
    ...each((i) => trackBody('track_published', run, `i-${tag}-${i}`)),
    ...each((i) => trackBody('track_unpublished', run, `i-${tag}-${i}`)),
    ...each((i) => participantBody('participant_left', run, `i-${tag}-${i}`)),
  ];
  const signed = await signAll(bodies);
  const warm = signed.slice(0, s.ingestWarmup);
  const measured = signed.slice(s.ingestWarmup);
  let failures = 0;
  await pooled(warm.length, s.ingestInFlight, performance.now() + s.ingestMaxMs, async (i) => {
    if ((await postWebhook(warm[i])).status !== 200) failures++;
  });
  const latencies: number[] = [];
  let start = 0;
  const cpu0 = await debug('/cpu');
  const sent = await profiled('ingest', () => {
    start = performance.now();
    return pooled(measured.length, s.ingestInFlight, start + s.ingestMaxMs, async (i) => {
      const t0 = performance.now();
      const reply = await postWebhook(measured[i]);
      latencies.push(performance.now() - t0);
      if (reply.status !== 200) {
        if (failures++ === 0) log(`ingest: first failure ${reply.status} ${reply.body.toString().slice(0, 200)}`);
      }
    });
  });
  const elapsed = performance.now() - start;
  const cpu1 = await debug('/cpu');
  if (failures) throw new Error(`${failures} webhooks were not answered 200`);
  // the writes are real: every user has an attendance, and everyone who left is offline
  const session = await liveSession(run.roomId);
  const expectAttendances = s.ingestWarmup + Math.min(sent, users);
  if (session?.attendances.length !== expectAttendances) {
    throw new Error(`expected ${expectAttendances} attendances after ingest, found ${session?.attendances.length}`);
  }
  m['ingest.events'] = sent;
  m['ingest.eventsPerSec'] = (sent / elapsed) * 1000;
  m['ingest.p50'] = percentile(latencies, 50);
  m['ingest.p99'] = percentile(latencies, 99);
  // the server process's own user+system CPU (not its database's, when that is PostgreSQL)
  m['ingest.cpuMsPerEvent'] = (cpu1.user - cpu0.user + cpu1.system - cpu0.system) / 1000 / sent;
  log(
    `ingest: ${sent} events in ${(elapsed / 1000).toFixed(1)} s: ${m['ingest.eventsPerSec'].toFixed(0)} events/s, p50 ${ms(m['ingest.p50'])}, p99 ${ms(m['ingest.p99'])}, ` +
      `server CPU ${m['ingest.cpuMsPerEvent'].toFixed(2)} ms/event`,
  );
}

async function joinToDashboard(m: Metrics, s: Sizes) {
  const run = newRun(`join-${tag}`);
  let expected: { markers: Buffer[]; resolve: (t: number) => void } | undefined;
  let errors = 0;
  const sub = await subscribe({ roomId: run.roomId }, (_sub, data) => {
    if (data.includes(errorMarker)) errors++;
    if (expected && matches(data, expected.markers)) {
      const e = expected;
      expected = undefined;
      e.resolve(performance.now());
    }
  });
  const total = s.joinWarmup + s.joinEvents;
  // each user joins, turns a camera on and off, and leaves: four changes, each awaited on the dashboard
  const events = Array.from({ length: total }, (_, i) => {
    const user = `j-${tag}-${i >> 2}`;
    const step = i % 4;
    const body =
      step === 0
        ? participantBody('participant_joined', run, user)
        : step === 3
          ? participantBody('participant_left', run, user)
          : trackBody(step === 1 ? 'track_published' : 'track_unpublished', run, user);
    return { body, markers: [quoted(user), quoted(step === 3 ? 'LEFT' : 'JOINED')] };
  });
  const signed = await signAll(events.map((e) => e.body));
  const fromSend: number[] = [];
  const fromResponse: number[] = [];
  let messageFirst = 0;
  let missed = 0;
  const deadline = performance.now() + s.joinMaxMs;
  let i = 0;
  await profiled('join', async () => {
    for (; i < total && performance.now() < deadline; i++) {
      const message = new Promise<number>((resolve) => (expected = { markers: events[i].markers, resolve }));
      const t0 = performance.now();
      const reply = await postWebhook(signed[i]);
      const t1 = performance.now();
      if (reply.status !== 200)
        throw new Error(`webhook answered ${reply.status}: ${reply.body.toString().slice(0, 200)}`);
      const t2 = await Promise.race([message, sleep(5_000).then(() => Number.NaN)]);
      if (Number.isNaN(t2)) {
        missed++;
        expected = undefined;
        continue;
      }
      if (i < s.joinWarmup) continue;
      fromSend.push(t2 - t0);
      if (t2 < t1) messageFirst++;
      fromResponse.push(Math.max(0, t2 - t1));
    }
  });
  await closeSubscribers([sub]);
  if (errors) throw new Error(`the subscriber received ${errors} GraphQL errors`);
  if (missed) throw new Error(`the subscriber missed ${missed} of ${i} events (waited 5 s for each)`);
  m['join.events'] = fromSend.length;
  m['join.sendP50'] = percentile(fromSend, 50);
  m['join.sendP99'] = percentile(fromSend, 99);
  m['join.responseP50'] = percentile(fromResponse, 50);
  m['join.responseP99'] = percentile(fromResponse, 99);
  m['join.messageBeforeResponse'] = messageFirst;
  log(
    `join -> dashboard: ${fromSend.length} events; send -> message p50 ${ms(m['join.sendP50'])} p99 ${ms(m['join.sendP99'])}; 200 -> message p50 ${ms(m['join.responseP50'])} p99 ${ms(m['join.responseP99'])}`,
  );
}

const cursorOf = (data: Buffer) => /"cursor":"([^"]+)"/.exec(data.toString())?.[1];

/** Waits for `done`, failing only once `progress` has not moved for 30 s (a slow machine is not a loss). */
async function untilStalled(done: Promise<void>, progress: () => number, failure: (got: number) => string) {
  let finished = false;
  void done.then(() => (finished = true));
  for (let last = -1; !finished; ) {
    await Promise.race([done, sleep(30_000)]);
    if (finished) return;
    if (progress() === last) throw new Error(failure(last));
    last = progress();
  }
}

/**
 * A dashboard away while `catchupChanges` changes are made in its room comes back with its cursor:
 * how fast it receives them all, against how fast another dashboard received the same changes live.
 */
async function catchUp(m: Metrics, s: Sizes) {
  if (!isRollcall) return; // the baseline has no cursor to resume from
  const run = newRun(`catchup-${tag}`);
  const events = s.catchupChanges;
  let first: string | undefined;
  let received = 0;
  let lastAt = 0;
  const live = await subscribe({ roomId: run.roomId, after: '' }, (_sub, data) => {
    if (!data.includes('"next"')) return;
    if (!first) {
      first = cursorOf(data); // the warm-up: where the returning dashboard left
      return;
    }
    received++;
    lastAt = performance.now();
  });
  await postWebhook((await signAll([participantBody('participant_joined', run, `c-${tag}-warm`)]))[0]);
  while (!first) await sleep(10);
  const users = Math.ceil(events / 2);
  const bodies = await signAll(
    Array.from({ length: events }, (_, i) =>
      participantBody(i < users ? 'participant_joined' : 'participant_left', run, `c-${tag}-${i % users}`),
    ),
  );
  const sent = performance.now();
  await pooled(bodies.length, s.ingestInFlight, sent + 600_000, async (i) => {
    const reply = await postWebhook(bodies[i]);
    if (reply.status !== 200) throw new Error(`webhook answered ${reply.status}`);
  });
  // Not one change per webhook: a join delivered after its own leave changes nothing (the span
  // is known already). The live dashboard has them all once it has been quiet for 2 s.
  await quietFor(() => received, 2_000);
  const n = received;
  if (n < events * 0.9) throw new Error(`the live dashboard got ${n} changes for ${events} webhooks`);
  await closeSubscribers([live]);
  m['catchup.livePerSec'] = (n / Math.max(lastAt - sent, 1)) * 1000;

  let caught = 0;
  let caughtAt = 0;
  let resolveCaught!: () => void;
  const caughtUp = new Promise<void>((resolve) => (resolveCaught = resolve));
  const start = performance.now();
  const back = await subscribe({ roomId: run.roomId, after: first! }, (_sub, data) => {
    if (!data.includes('"next"')) return;
    if (++caught === n) {
      caughtAt = performance.now();
      resolveCaught();
    }
  });
  await untilStalled(
    caughtUp,
    () => caught,
    (got) => `returning dashboard got ${got} of the ${n} changes the live one had`,
  );
  // and nothing more than the live dashboard had
  await sleep(500);
  await closeSubscribers([back]);
  if (caught !== n) throw new Error(`returning dashboard got ${caught} changes, the live one ${n}`);
  m['catchup.changes'] = n;
  m['catchup.perSec'] = (n / (caughtAt - start)) * 1000;
  log(
    `catch-up: ${n} changes missed (of ${events} webhooks), back in ${((caughtAt - start) / 1000).toFixed(2)} s (${m['catchup.perSec'].toFixed(0)}/s); live they came at ${m['catchup.livePerSec'].toFixed(0)}/s`,
  );
}

/** Resolves once `count` has not moved for `quietMs`. */
async function quietFor(count: () => number, quietMs: number) {
  for (let last = -1; count() !== last; ) {
    last = count();
    await sleep(quietMs);
  }
}

interface FanoutEvent {
  body: string;
  markers: Buffer[];
}

/**
 * Fan-out to `subscribers` sockets on one room or one course. viewers 'shared': every subscriber
 * presents the admin token; 'distinct': each presents its own dashboard token, as one of the
 * course's managers (course scope only).
 */
async function fanout(
  m: Metrics,
  notes: string[],
  s: Sizes,
  scope: 'room' | 'course',
  subscribers: number,
  viewers: 'shared' | 'distinct' = 'shared',
) {
  let n = subscribers;
  const name = viewers === 'distinct' ? 'viewers' : scope;
  const key = `fanout.${name}.${n}`;
  let tokenFor: (i: number) => string = () => BENCH_ADMIN_TOKEN;
  let makeEvent: (seq: number) => FanoutEvent;
  let target: { roomId: string } | { courseId: string };
  if (scope === 'room') {
    const run = newRun(`fan-${n}-${tag}`);
    target = { roomId: run.roomId };
    makeEvent = (seq) => {
      const user = `f-${tag}-${seq}`;
      return { body: participantBody('participant_joined', run, user), markers: [quoted(user)] };
    };
  } else {
    const slug = `fan${n}${viewers === 'distinct' ? 'v' : 'x'}${tag}`;
    if (viewers === 'distinct') {
      const managers = Array.from({ length: n + 1 }, (_, i) => `mgr-${tag}-${i}`);
      target = { courseId: await createCourse(slug, managers) };
      const tokens: string[] = [];
      for (const id of managers) tokens.push(await dashboardToken(id));
      tokenFor = (i) => tokens[i];
    } else {
      target = { courseId: await createCourse(slug) };
    }
    const runs: RoomRun[] = [];
    makeEvent = (seq) => {
      // even: a new run of the course's room starts; odd: it finishes
      const r = seq >> 1;
      runs[r] ??= newRun(`${slug}-${20261126000000 + r}`);
      const kind = seq % 2 === 0 ? 'STARTED' : 'ENDED';
      return {
        body: roomBody(seq % 2 === 0 ? 'room_started' : 'room_finished', runs[r]),
        markers: [quoted(runs[r].roomId), quoted(kind)],
      };
    };
  }

  let current: { seq: number; markers: Buffer[]; count: number; of: number; done: (t: number) => void } | undefined;
  let sample: Buffer | undefined;
  let errors = 0;
  const onMessage: OnMessage = (sub, data) => {
    const c = current;
    if (!c || sub.seen === c.seq) return;
    if (!matches(data, c.markers)) {
      if (data.includes(errorMarker)) errors++;
      return;
    }
    sub.seen = c.seq;
    if (c.count === 0) sample = data;
    if (++c.count === c.of) c.done(performance.now());
  };

  let seq = 0;
  /** sends one event, resolves with the time until every subscriber had it (NaN on timeout) */
  const deliver = async (timeoutMs: number): Promise<{ latency: number; reached: number }> => {
    const event = makeEvent(seq);
    const [signed] = await signAll([event.body]);
    let done!: (t: number) => void;
    const allServed = new Promise<number>((resolve) => (done = resolve));
    current = { seq, markers: event.markers, count: 0, of: n, done };
    seq++;
    const start = performance.now();
    await postOk(signed);
    const end = await Promise.race([allServed, sleep(timeoutMs).then(() => Number.NaN)]);
    const reached = current.count;
    current = undefined;
    return { latency: end - start, reached };
  };

  // Pre-warm with one subscriber, so that what the first event and the first subscription cost
  // once (database pages, the wasm heap, caches) is in the "before" figure, not counted per subscriber.
  const first = await openSubscribers(1, target, onMessage, () => tokenFor(subscribers));
  const expected = n;
  n = 1;
  for (let k = 0; k < 5; k++) await deliver(10_000);
  await closeSubscribers(first);
  n = expected;
  await sleep(200);
  const before = await debug('/rss');
  if (config.profileDir) await debug('/heap/start');
  const t0 = performance.now();
  const subs = await openSubscribers(n, target, onMessage, tokenFor);
  log(`fan-out ${name} ${n}: ${n} subscribers connected in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

  try {
    // warm-up: until every subscriber has received one event (their subscriptions are live)
    let warm = false;
    for (let attempt = 0; attempt < 3 && !warm; attempt++) {
      const w = await deliver(Math.max(s.fanoutEventTimeoutMs, 30_000));
      warm = Number.isFinite(w.latency);
      if (!warm) log(`fan-out ${name} ${n}: warm-up reached ${w.reached}/${n} subscribers; again`);
    }
    if (!warm) throw new Error(`not every subscriber received the warm-up events`);
    const after = await debug('/rss');
    if (config.profileDir) {
      const file = `${config.profileDir}/idle-${name}-${n}.heapprofile`;
      await debug(`/heap/stop?file=${encodeURIComponent(file)}`);
      log(`heap profile of ${n} idle subscribers: ${file}`);
    }
    m[`${key}.bytesPerSubscriber`] = (after.rss - before.rss) / n;
    m[`${key}.heapBytesPerSubscriber`] = (after.heapUsed - before.heapUsed) / n;

    const cpu0 = await debug('/cpu');
    const latencies: number[] = [];
    let timeouts = 0;
    const deadline = performance.now() + s.fanoutMaxMs;
    await profiled(`fanout-${name}-${n}`, async () => {
      for (let k = 0; k < s.fanoutEvents && performance.now() < deadline; k++) {
        const r = await deliver(s.fanoutEventTimeoutMs);
        if (Number.isFinite(r.latency)) latencies.push(r.latency);
        else {
          timeouts++;
          log(
            `fan-out ${name} ${n}: event ${k} reached only ${r.reached}/${n} subscribers within ${s.fanoutEventTimeoutMs} ms`,
          );
          break;
        }
      }
    });
    const cpu1 = await debug('/cpu');
    const sent = latencies.length + timeouts;
    if (errors) throw new Error(`subscribers received ${errors} GraphQL errors`);
    if (timeouts) throw new Error(`an event did not reach every subscriber within ${s.fanoutEventTimeoutMs} ms`);
    m[`${key}.events`] = latencies.length;
    m[`${key}.p50`] = percentile(latencies, 50);
    m[`${key}.p99`] = percentile(latencies, 99);
    m[`${key}.cpuMsPerEvent`] = (cpu1.user - cpu0.user + cpu1.system - cpu0.system) / 1000 / sent;
    if (sample) {
      m[`${key}.messageBytes`] = sample.length;
      if (!notes.some((note) => note.startsWith(`${config.target} fan-out ${name}:`)))
        notes.push(
          `${config.target} fan-out ${name}: one subscriber's message (${sample.length} bytes): ${sample.toString()}`,
        );
    }
    log(
      `fan-out ${name} ${n}: ${latencies.length} events, all served p50 ${ms(m[`${key}.p50`])} p99 ${ms(m[`${key}.p99`])}, ` +
        `server CPU ${m[`${key}.cpuMsPerEvent`].toFixed(1)} ms/event, ${(m[`${key}.bytesPerSubscriber`] / 1024).toFixed(1)} KB/idle subscriber (JS heap ${(m[`${key}.heapBytesPerSubscriber`] / 1024).toFixed(1)} KB)`,
    );
  } finally {
    await closeSubscribers(subs);
    await sleep(500);
  }
}

async function seedRoom(roomId: string, attendances: number): Promise<void> {
  const run = newRun(roomId);
  const signed = await signAll(
    Array.from({ length: attendances }, (_, i) =>
      participantBody('participant_joined', run, `d-${tag}-${roomId}-${i}`),
    ),
  );
  await pooled(signed.length, 16, performance.now() + 120_000, (i) => postOk(signed[i]));
  const session = await liveSession(roomId);
  if (session?.attendances.length !== attendances)
    throw new Error(`seeded ${attendances} attendances in ${roomId}, found ${session?.attendances.length}`);
}

async function countStatements(m: Metrics, rooms: Array<[roomId: string, size: number]>) {
  for (const [roomId, size] of rooms) {
    const before = (await debug('/statements')).statements as number | null;
    if (before === null) return;
    await liveSession(roomId);
    const after = (await debug('/statements')).statements as number;
    m[`statements.${size}`] = after - before;
  }
  log(
    `dashboard query: SQL statements ${rooms.map(([, n]) => `${m[`statements.${n}`]} at ${n}`).join(', ')} attendances`,
  );
}

/** SQL statements per join and per leave (one at a time, after a first join made the session). */
async function statementsPerEvent(m: Metrics, notes: string[]) {
  if ((await debug('/statements')).statements === null) return;
  const run = newRun(`stmts-${tag}`);
  const users = Array.from({ length: 10 }, (_, i) => `s-${tag}-${i}`);
  const [first] = await signAll([participantBody('participant_joined', run, `s-${tag}-first`)]);
  await postOk(first);
  for (const kind of ['participant_joined', 'participant_left'] as const) {
    const signed = await signAll(users.map((u) => participantBody(kind, run, u)));
    const before = await debug('/statements');
    for (const r of signed) await postOk(r);
    const after = await debug('/statements');
    const per = (after.statements - before.statements) / users.length;
    m[`statements.${kind === 'participant_joined' ? 'join' : 'leave'}`] = per;
    const one = (after.recent as string[]).slice(-Math.round(per));
    notes.push(
      `${config.target}: the statements of one ${kind}:\n${one.map((q) => `    ${q.replace(/\s+/g, ' ').slice(0, 240)}`).join('\n')}`,
    );
  }
  log(`SQL statements per event: join ${m['statements.join']}, leave ${m['statements.leave']}`);
}

async function dashboard(m: Metrics, s: Sizes, queries: boolean) {
  const small = `dash5-${tag}`;
  const big = `dash${s.dashboardAttendances}-${tag}`;
  await seedRoom(small, 5);
  await seedRoom(big, s.dashboardAttendances);
  await countStatements(m, [
    [small, 5],
    [big, s.dashboardAttendances],
  ]);
  if (!queries) return;
  const deadline = performance.now() + s.dashboardMaxMs;
  await pooled(20, s.dashboardInFlight, deadline, async () => void (await liveSession(big)));
  const latencies: number[] = [];
  const start = performance.now();
  const done = await profiled('dashboard', () =>
    pooled(s.dashboardQueries, s.dashboardInFlight, deadline, async () => {
      const t0 = performance.now();
      const session = await liveSession(big);
      latencies.push(performance.now() - t0);
      if (session.attendances.length !== s.dashboardAttendances)
        throw new Error('the dashboard query lost attendances');
    }),
  );
  const elapsed = performance.now() - start;
  m['dashboard.queries'] = done;
  m['dashboard.qps'] = (done / elapsed) * 1000;
  m['dashboard.p50'] = percentile(latencies, 50);
  m['dashboard.p99'] = percentile(latencies, 99);
  log(
    `dashboard query (${s.dashboardAttendances} attendances): ${done} queries, ${m['dashboard.qps'].toFixed(1)}/s, p50 ${ms(m['dashboard.p50'])}, p99 ${ms(m['dashboard.p99'])}`,
  );
}

async function main() {
  const result: LoadResult = { metrics: {}, errors: [], notes: [] };
  const s = config.sizes;
  const attempt = async (name: string, run: () => Promise<void>) => {
    try {
      await run();
    } catch (error) {
      const message = `${name}: ${(error as Error).message}`;
      result.errors.push(message);
      log(`FAILED ${message}`);
    }
  };
  for (const scenario of config.scenarios) {
    switch (scenario) {
      case 'fanout':
        for (const n of [...s.fanoutSubscribers].sort((a, b) => b - a))
          await attempt(`fan-out room ${n}`, () => fanout(result.metrics, result.notes, s, 'room', n));
        break;
      case 'course':
        for (const n of [...s.fanoutSubscribers].sort((a, b) => b - a))
          await attempt(`fan-out course ${n}`, () => fanout(result.metrics, result.notes, s, 'course', n));
        break;
      case 'viewers': {
        const n = Math.max(...s.fanoutSubscribers);
        await attempt(`fan-out course ${n}, distinct viewers`, () =>
          fanout(result.metrics, result.notes, s, 'course', n, 'distinct'),
        );
        break;
      }
      case 'ingest':
        await attempt('ingest', () => ingest(result.metrics, s));
        break;
      case 'join':
        await attempt('join to dashboard', () => joinToDashboard(result.metrics, s));
        break;
      case 'dashboard':
        await attempt('dashboard query', () => dashboard(result.metrics, s, true));
        await attempt('statements per event', () => statementsPerEvent(result.metrics, result.notes));
        break;
      case 'catchup':
        await attempt('catch-up', () => catchUp(result.metrics, s));
        break;
      case 'statements':
        await attempt('statement count', () => dashboard(result.metrics, s, false));
        await attempt('statements per event', () => statementsPerEvent(result.metrics, result.notes));
        break;
    }
  }
  agent.destroy();
  process.send!(result, () => process.exit(0));
}

main().catch((error) => {
  process.stderr.write(`load: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
