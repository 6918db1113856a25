// The routes beside /graphql: the webhook receiver, recording files, CSV exports, the teacher's page,
// liveness and readiness. A Yoga plugin, so that one fetch handler (yoga.fetch in tests, the node
// server in production) serves everything.
import type { Plugin } from 'graphql-yoga';
import type { Logger } from 'pino';
import { createDashboardPage, DASHBOARD_ROUTE } from './dashboard-page.ts';
import { EXPORT_ROUTE, serveExport } from './exports.ts';
import { jsonResponse } from './json.ts';
import { RECORDING_ROUTE, serveRecording, type Access } from './recording-files.ts';
import { handleWebhook, WEBHOOK_PATH, type WebhookDeps } from './webhook.ts';
import { metrics, serveMetrics } from '../ops/metrics.ts';

export interface RouteDeps extends WebhookDeps {
  logger: Logger;
  recordings: {
    dir: string;
    /** The same access rule as the GraphQL API, for a recording of this course. */
    authorize(request: Request, courseId: string | null): Promise<Access>;
  };
  /** The same access rule as the GraphQL API, for the CSV exports of this course's data. */
  exports: { authorize(request: Request, courseId: string | null): Promise<Access> };
  /** The bearer token GET /metrics requires; undefined: open. */
  metricsToken?: string;
  /** Named readiness checks (database, redis): each resolves when healthy. */
  readiness: Record<string, () => Promise<void>>;
}

const json = (status: number, body: unknown) => jsonResponse(status, body, { 'cache-control': 'no-store' });

function withTimeout(check: () => Promise<void>, ms: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
    check()
      .then(resolve, reject)
      .finally(() => clearTimeout(timer));
  });
}

async function ready(checks: RouteDeps['readiness']): Promise<Response> {
  const results = await Promise.all(
    Object.entries(checks).map(async ([name, check]) => {
      try {
        await withTimeout(check, 2_000);
        return [name, 'ok'] as const;
      } catch (error) {
        return [name, `unavailable: ${(error as Error).message}`] as const;
      }
    }),
  );
  const healthy = results.every(([, state]) => state === 'ok');
  return json(healthy ? 200 : 503, { status: healthy ? 'ok' : 'unavailable', checks: Object.fromEntries(results) });
}

/**
 * GraphQL over GET carries `variables` and `extensions` as JSON in the query string; Yoga lets a
 * JSON syntax error there through as a 500. It is the caller's mistake: a 400 that says where.
 */
function badGetParameters(request: Request, url: URL, graphqlPath: string): Response | null {
  if (request.method !== 'GET' || url.pathname !== graphqlPath) return null;
  for (const name of ['variables', 'extensions']) {
    const value = url.searchParams.get(name);
    if (value === null || value === '') continue;
    let parsed: unknown;
    try {
      parsed = JSON.parse(value);
    } catch (error) {
      return graphqlError(400, `The ${name} parameter is not valid JSON: ${(error as Error).message}`);
    }
    if (parsed !== null && (typeof parsed !== 'object' || Array.isArray(parsed))) {
      return graphqlError(400, `The ${name} parameter must be a JSON object`);
    }
  }
  return null;
}

const graphqlError = (status: number, message: string) =>
  json(status, { errors: [{ message, extensions: { code: 'BAD_REQUEST' } }] });

export function useRollcallRoutes(deps: RouteDeps, graphqlPath = '/graphql'): Plugin {
  const serveDashboard = createDashboardPage();
  return {
    async onRequest({ request, url, endResponse }) {
      const badGet = badGetParameters(request, url, graphqlPath);
      if (badGet) {
        endResponse(badGet);
        return;
      }
      const recording = RECORDING_ROUTE.exec(url.pathname);
      if (recording) {
        endResponse(
          await serveRecording(
            request,
            { id: decodeURIComponent(recording[1]), what: recording[2] as 'file' | 'thumbnail' },
            {
              prisma: deps.prisma,
              dir: deps.recordings.dir,
              authorize: deps.recordings.authorize,
            },
          ),
        );
        return;
      }
      const page = DASHBOARD_ROUTE.exec(url.pathname);
      if (page) {
        endResponse(await serveDashboard(request, page[1] ?? '/'));
        return;
      }
      const exported = EXPORT_ROUTE.exec(url.pathname);
      if (exported) {
        endResponse(
          await serveExport(request, url, exported, {
            prisma: deps.prisma,
            logger: deps.logger,
            authorize: deps.exports.authorize,
          }),
        );
        return;
      }
      switch (url.pathname) {
        case WEBHOOK_PATH: {
          const stopTimer = metrics.webhookDuration.startTimer();
          try {
            endResponse(await handleWebhook(request, deps));
          } catch (error) {
            metrics.webhook(undefined, 'failed');
            deps.logger.error({ err: error }, 'webhook failed before it could be stored');
            endResponse(json(500, { status: 'error', message: 'Internal error: the event was not stored; retry it' }));
          }
          stopTimer();
          return;
        }
        case '/metrics':
          endResponse(await serveMetrics(request, deps.metricsToken));
          return;
        case '/health':
          endResponse(json(200, { status: 'ok' }));
          return;
        case '/ready':
          endResponse(await ready(deps.readiness));
          return;
      }
    },
    onResponse({ response }) {
      // The GraphiQL page is ~9 MB with its assets inlined (so it works offline): let browsers keep it.
      if (response.headers.get('content-type')?.startsWith('text/html') && !response.headers.has('cache-control')) {
        response.headers.set('cache-control', 'public, max-age=86400');
      }
    },
  };
}
