// Prometheus metrics of this instance: one registry for the whole process (the GraphQL plugin
// registers on it too), served at GET /metrics. Counting is in memory and cheap (no I/O, no SQL):
// it sits on the webhook hot path. Every label takes few values: never a room, user or event id,
// which would make one series per class or person.
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { ACTED_ON } from '../plugnmeet/webhook-body.ts';
import { bearerToken, safeEqual } from '../lib/credentials.ts';

export const registry = new Registry();
collectDefaultMetrics({ register: registry });

export type WebhookOutcome = 'applied' | 'pending' | 'duplicate' | 'ignored' | 'rejected' | 'failed';
/** Why a webhook was refused, as few values as the receiver has answers. */
export type RejectReason = 'signature' | 'too_large' | 'invalid_json' | 'missing_event' | 'unusable';
export type JobKind = 'recording' | 'analytics';
/** started: an attempt began; retried: it failed and will be tried again; failed: for good. */
/** How one attempt of a durable job ended (jobs/durable.ts). */
export type JobOutcome = 'succeeded' | 'deferred' | 'retrying' | 'failed' | 'aborted';

// Events PlugNMeet sends that Rollcall does not act on: named in metrics; anything else is `other`.
const KNOWN_EVENTS = new Set([
  ...ACTED_ON,
  'start_recording',
  'start_rtmp',
  'end_rtmp',
  'ingress_created',
  'ingress_started',
  'ingress_ended',
  'speech_subtitle_started',
]);

/** The event label: a known event name, `other`, or `unknown` when the body was not read. */
export const eventLabel = (name: string | undefined) =>
  name === undefined ? 'unknown' : KNOWN_EVENTS.has(name) ? name : 'other';

const webhookEvents = new Counter({
  name: 'rollcall_webhook_events_total',
  help: 'Webhook deliveries by event name and what became of them.',
  labelNames: ['event', 'outcome'] as const,
  registers: [registry],
});
const webhookRejections = new Counter({
  name: 'rollcall_webhook_rejections_total',
  help: 'Webhook deliveries refused, by reason (each is also counted as outcome="rejected").',
  labelNames: ['reason'] as const,
  registers: [registry],
});
const webhookDuration = new Histogram({
  name: 'rollcall_webhook_duration_seconds',
  help: 'Time from a webhook request to its response (verify, store, apply).',
  buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
  registers: [registry],
});
const subscriptions = new Gauge({
  name: 'rollcall_subscriptions_active',
  help: 'GraphQL subscriptions open over graphql-ws on this instance.',
  registers: [registry],
});
const sockets = new Gauge({
  name: 'rollcall_websockets_active',
  help: 'graphql-ws connections acknowledged on this instance.',
  registers: [registry],
});
const publishDelay = new Histogram({
  name: 'rollcall_publish_delay_seconds',
  help: "Time from a change being known committed to its delivery to this instance's subscribers.",
  buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
  registers: [registry],
});
const recordingJobs = new Counter({
  name: 'rollcall_recording_jobs_total',
  help: 'Recording download attempts by outcome.',
  labelNames: ['outcome'] as const,
  registers: [registry],
});
const analyticsJobs = new Counter({
  name: 'rollcall_analytics_jobs_total',
  help: 'Analytics file import attempts by outcome.',
  labelNames: ['outcome'] as const,
  registers: [registry],
});
const reconcileRuns = new Counter({
  name: 'rollcall_reconcile_runs_total',
  help: 'Reconciliations with PlugNMeet by outcome (ok: PlugNMeet answered).',
  labelNames: ['outcome'] as const,
  registers: [registry],
});
const reconcileApplied = new Counter({
  name: 'rollcall_reconcile_applied_total',
  help: 'Lost events (leaves, room ends) applied by reconciliation.',
  registers: [registry],
});
const retentionDeleted = new Counter({
  name: 'rollcall_retention_deleted_total',
  help: 'Rows deleted because they are older than RETENTION_DAYS, by kind.',
  labelNames: ['kind'] as const,
  registers: [registry],
});
const erasures = new Counter({
  name: 'rollcall_user_erasures_total',
  help: 'Users erased (eraseUser).',
  registers: [registry],
});

/** What a pg pool says of itself; a structural type, so that this module needs no pg import. */
interface PoolLike {
  totalCount: number;
  idleCount: number;
  waitingCount: number;
}
const pools = new Set<PoolLike>();
new Gauge({
  name: 'rollcall_db_pool_connections',
  help: 'PostgreSQL pool connections by state (absent on the embedded database, which has one connection and no pool).',
  labelNames: ['state'] as const,
  registers: [registry],
  collect() {
    if (!pools.size) return;
    let total = 0,
      idle = 0,
      waiting = 0;
    for (const p of pools) {
      total += p.totalCount;
      idle += p.idleCount;
      waiting += p.waitingCount;
    }
    this.set({ state: 'total' }, total);
    this.set({ state: 'idle' }, idle);
    this.set({ state: 'waiting' }, waiting);
  },
});

export const metrics = {
  webhook(name: string | undefined, outcome: WebhookOutcome) {
    webhookEvents.inc({ event: eventLabel(name), outcome });
  },
  webhookRejected(name: string | undefined, reason: RejectReason) {
    webhookEvents.inc({ event: eventLabel(name), outcome: 'rejected' });
    webhookRejections.inc({ reason });
  },
  webhookDuration,
  subscriptions,
  sockets,
  /** A change reached this instance's subscribers; `committedAt` is a Date.now() of when it was known committed. */
  delivered(committedAt: number) {
    publishDelay.observe(Math.max(0, Date.now() - committedAt) / 1000);
  },
  /** Counts the outcome of one background job attempt; other modules count theirs through this. */
  jobs: {
    inc({ kind, outcome }: { kind: JobKind; outcome: JobOutcome }) {
      (kind === 'recording' ? recordingJobs : analyticsJobs).inc({ outcome });
    },
  },
  reconcileRun(outcome: 'ok' | 'failed', applied = 0) {
    reconcileRuns.inc({ outcome });
    if (applied) reconcileApplied.inc(applied);
  },
  retentionDeleted(kind: 'sessions' | 'webhook_events' | 'analytics_imports', count: number) {
    if (count) retentionDeleted.inc({ kind }, count);
  },
  userErased() {
    erasures.inc();
  },
  /** Reports this pool's connections until the returned function is called (the pool closed). */
  watchPool(pool: PoolLike): () => void {
    pools.add(pool);
    return () => void pools.delete(pool);
  },
};

/** GET /metrics: the registry in Prometheus' text format; behind `token` as a bearer token when set. */
export async function serveMetrics(request: Request, token: string | undefined): Promise<Response> {
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    return new Response('Use GET\n', { status: 405, headers: { allow: 'GET, HEAD' } });
  }
  if (token !== undefined) {
    const given = bearerToken(request.headers.get('authorization'));
    if (given === undefined || !safeEqual(given, token)) {
      return new Response('Missing or invalid METRICS_TOKEN: send Authorization: Bearer <token>\n', {
        status: 401,
        headers: { 'www-authenticate': 'Bearer realm="metrics"', 'content-type': 'text/plain; charset=utf-8' },
      });
    }
  }
  return new Response(await registry.metrics(), {
    headers: { 'content-type': registry.contentType, 'cache-control': 'no-store' },
  });
}
