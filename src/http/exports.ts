// GET /exports/sessions/{sessionId}.csv and /exports/courses/{slug}.csv?from=&to=: the answers as a
// file for the school, streamed, under the API's access rules (admins; a course's managers for its
// sessions and report; students read their own record through `me`, not these files).
import type { Logger } from 'pino';
import { csvStream } from '../answers/csv.ts';
import { COURSE_COLUMNS, courseRows, exportedSession, SESSION_COLUMNS, sessionRows } from '../answers/exports.ts';
import { checkRange, type ReportRange } from '../answers/report.ts';
import { DomainError } from '../attendance/courses.ts';
import type { PrismaClient } from '../db/types.ts';
import type { Access } from './recording-files.ts';

export const EXPORT_ROUTE = /^\/exports\/(sessions|courses)\/([^/]+)\.csv$/;

export interface ExportDeps {
  prisma: PrismaClient;
  logger: Logger;
  /** The same access rule as the GraphQL API, for data of this course. */
  authorize(request: Request, courseId: string | null): Promise<Access>;
}

const problem = (status: number, message: string, headers: Record<string, string> = {}) =>
  new Response(JSON.stringify({ status: 'error', message }), {
    status,
    headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', ...headers },
  });

/** A file name any browser and file system takes: the rest of the characters become `_`. */
const safeName = (name: string) => name.replace(/[^A-Za-z0-9._-]+/g, '_');
const day = (date: Date) => date.toISOString().slice(0, 10);

function csvResponse(body: ReadableStream<Uint8Array>, fileName: string): Response {
  return new Response(body, {
    status: 200,
    headers: {
      'content-type': 'text/csv; charset=utf-8; header=present',
      'content-disposition': `attachment; filename="${safeName(fileName)}"`,
      // attendance is personal data: kept by no cache on the way
      'cache-control': 'private, no-store',
      'x-content-type-options': 'nosniff',
    },
  });
}

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;
const DATE_TIME = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;

/** `from`/`to` of the query string: RFC 3339 date-times, or dates (midnight UTC); empty is absent. */
export function parseRangeParams(params: URLSearchParams): ReportRange | string {
  const parsed: Record<'from' | 'to', Date | null> = { from: null, to: null };
  for (const name of ['from', 'to'] as const) {
    const value = params.get(name)?.trim();
    if (!value) continue;
    const date = DATE_ONLY.test(value)
      ? new Date(`${value}T00:00:00Z`)
      : DATE_TIME.test(value)
        ? new Date(value)
        : null;
    if (!date || Number.isNaN(date.getTime()) || (DATE_ONLY.test(value) && day(date) !== value)) {
      return `${name} must be an RFC 3339 date-time (2026-09-01T00:00:00Z) or a date (2026-09-01), not "${value}"`;
    }
    parsed[name] = date;
  }
  try {
    return checkRange(parsed);
  } catch (error) {
    if (error instanceof DomainError) return error.message;
    throw error;
  }
}

export async function serveExport(
  request: Request,
  url: URL,
  match: RegExpExecArray,
  deps: ExportDeps,
): Promise<Response> {
  if (request.method !== 'GET' && request.method !== 'HEAD') return problem(405, 'Use GET', { allow: 'GET, HEAD' });
  const [, kind, rawKey] = match;
  let key: string;
  try {
    key = decodeURIComponent(rawKey);
  } catch {
    return problem(400, `Malformed ${kind === 'sessions' ? 'session id' : 'course slug'} in the path`);
  }
  const logFailure = (error: Error) =>
    deps.logger.error({ err: error, path: url.pathname }, 'export failed while streaming');

  if (kind === 'sessions') {
    const session = await exportedSession(deps.prisma, key);
    const refused = await refusal(request, deps, session?.courseId ?? null, !!session, `session ${key}`);
    if (refused) return refused;
    const fileName = `attendance-${session!.roomId}${session!.startedAt ? `-${day(session!.startedAt)}` : ''}.csv`;
    if (request.method === 'HEAD') return csvResponse(emptyBody(), fileName);
    return csvResponse(
      csvStream(SESSION_COLUMNS, sessionRows(deps.prisma, session!, new Date()), logFailure),
      fileName,
    );
  }

  const course = await deps.prisma.course.findUnique({ where: { slug: key }, select: { id: true, slug: true } });
  const range = parseRangeParams(url.searchParams);
  const refused = await refusal(
    request,
    deps,
    course?.id ?? null,
    !!course,
    `course ${key}`,
    typeof range === 'string' ? range : undefined,
  );
  if (refused) return refused;
  const { from, to } = range as ReportRange;
  const fileName = `report-${course!.slug}${from ? `-from-${day(from)}` : ''}${to ? `-to-${day(to)}` : ''}.csv`;
  if (request.method === 'HEAD') return csvResponse(emptyBody(), fileName);
  return csvResponse(
    csvStream(COURSE_COLUMNS, courseRows(deps.prisma, course!.id, { from, to }), logFailure),
    fileName,
  );
}

/**
 * Why not, in this order: no valid credentials (401), a malformed request (400), nothing of that
 * name (404), outside the caller's courses (403); null when the export may go ahead.
 */
async function refusal(
  request: Request,
  deps: ExportDeps,
  courseId: string | null,
  exists: boolean,
  what: string,
  badInput?: string,
): Promise<Response | null> {
  const access = await deps.authorize(request, courseId);
  if (access === 'unauthenticated')
    return problem(401, 'Missing or invalid credentials: send Authorization: Bearer <token>');
  if (badInput) return problem(400, badInput);
  if (!exists) return problem(404, `No ${what}`);
  if (access === 'forbidden')
    return problem(403, `Not allowed to export ${what}: only an admin or one of its course's managers may`);
  return null;
}

const emptyBody = () => new ReadableStream<Uint8Array>({ start: (controller) => controller.close() });
