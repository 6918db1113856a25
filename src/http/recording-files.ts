// GET /recordings/{id}/file and /recordings/{id}/thumbnail, with HTTP Range so browsers can seek.
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import type { PrismaClient } from '../db/types.ts';
import { jsonResponse } from './json.ts';

export const RECORDING_ROUTE = /^\/recordings\/([^/]+)\/(file|thumbnail)$/;

const problem = (status: number, message: string, headers: Record<string, string> = {}) =>
  jsonResponse(status, { status: 'error', message }, headers);

/** Parses a single `bytes=` range against the size; null when absent or unusable as a single range. */
export function parseRange(
  header: string | null,
  size: number,
): { start: number; end: number } | 'unsatisfiable' | null {
  if (!header) return null;
  const match = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!match || (match[1] === '' && match[2] === '')) return null; // multiple or malformed ranges: send it whole
  if (match[1] === '') {
    const suffix = Number(match[2]);
    if (suffix === 0) return 'unsatisfiable';
    return { start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(match[1]);
  const end = match[2] === '' ? size - 1 : Math.min(Number(match[2]), size - 1);
  if (start >= size || end < start) return 'unsatisfiable';
  return { start, end };
}

export type Access = 'ok' | 'forbidden' | 'unauthenticated';

export async function serveRecording(
  request: Request,
  params: { id: string; what: 'file' | 'thumbnail' },
  deps: { prisma: PrismaClient; dir: string; authorize(request: Request, courseId: string | null): Promise<Access> },
): Promise<Response> {
  if (request.method !== 'GET' && request.method !== 'HEAD') return problem(405, 'Use GET', { allow: 'GET, HEAD' });
  const recording = await deps.prisma.recording.findUnique({
    where: { id: params.id },
    select: {
      status: true,
      fileName: true,
      mimeType: true,
      hasThumbnail: true,
      sha256: true,
      session: { select: { courseId: true } },
    },
  });
  // the same rule as the GraphQL API; an unknown id is no different from another course's
  const access = await deps.authorize(request, recording?.session?.courseId ?? null);
  if (access === 'unauthenticated')
    return problem(401, 'Missing or invalid credentials: send Authorization: Bearer <token>');
  if (access === 'forbidden') return problem(403, `Not allowed to read recording ${params.id}`);
  if (!recording) return problem(404, `No recording ${params.id}`);
  if (recording.status !== 'READY' || !recording.fileName)
    return problem(404, `Recording ${params.id} is ${recording.status}, not ready`);
  if (params.what === 'thumbnail' && !recording.hasThumbnail)
    return problem(404, `Recording ${params.id} has no thumbnail`);

  const file = path.join(deps.dir, params.what === 'file' ? recording.fileName : `${params.id}.jpg`);
  const info = await stat(file).catch(() => null);
  if (!info) return problem(404, `The file of recording ${params.id} is missing from storage`);
  const type = params.what === 'file' ? (recording.mimeType ?? 'application/octet-stream') : 'image/jpeg';
  const headers: Record<string, string> = {
    'content-type': type,
    'accept-ranges': 'bytes',
    'cache-control': 'private, max-age=3600',
    'last-modified': info.mtime.toUTCString(),
    ...(params.what === 'file' && recording.sha256 ? { etag: `"${recording.sha256}"` } : {}),
  };
  const range = parseRange(request.headers.get('range'), info.size);
  if (range === 'unsatisfiable')
    return problem(416, 'Range not satisfiable', { 'content-range': `bytes */${info.size}` });
  const { start, end } = range ?? { start: 0, end: info.size - 1 };
  const length = info.size === 0 ? 0 : end - start + 1;
  headers['content-length'] = String(length);
  if (range) headers['content-range'] = `bytes ${start}-${end}/${info.size}`;
  const body =
    request.method === 'HEAD' || length === 0
      ? null
      : (Readable.toWeb(createReadStream(file, { start, end })) as ReadableStream<Uint8Array>);
  return new Response(body, { status: range ? 206 : 200, headers });
}
