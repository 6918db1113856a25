// GET /download/recording/{token} (or /download/artifact/{token}): the file as a stream, never buffered; its length is checked
// against Content-Length and its body guarded against stalls.
import { Transform, type Readable } from 'node:stream';
import got from 'got';
import {
  PlugNMeetBadResponseError,
  PlugNMeetDownloadInterruptedError,
  PlugNMeetHttpError,
  type PlugNMeetEndpoint,
} from './errors.ts';
import { isObject, retryAfter, snippet, type Transport } from './transport.ts';
import type { CallOptions, RecordingDownload } from './types.ts';

/** Which of PlugNMeet's download routes: recordings, or artifacts (the analytics file). */
export type DownloadKind = 'recording' | 'artifact';

export function downloadFile(
  transport: Transport,
  token: string,
  call: CallOptions = {},
  kind: DownloadKind = 'recording',
): Promise<RecordingDownload> {
  const DOWNLOAD: PlugNMeetEndpoint =
    kind === 'artifact' ? 'GET /download/artifact/{token}' : 'GET /download/recording/{token}';
  const { base, agent, connectTimeouts, timeouts: t, redact, transportError } = transport;
  if (typeof token !== 'string' || token === '') throw new TypeError('download: token must be a non-empty string');
  const { signal } = call;
  const request = got.stream(`${base}/download/${kind}/${encodeURIComponent(token)}`, {
    // The bytes as stored: a transparently decompressed body would not match Content-Length.
    decompress: false,
    headers: { 'Accept-Encoding': 'identity' },
    throwHttpErrors: false,
    followRedirect: true,
    maxRedirects: 5,
    retry: { limit: 0 },
    agent,
    // No total timeout: files are large. The body is guarded by the idle timer below.
    timeout: connectTimeouts,
    signal,
  });

  return new Promise<RecordingDownload>((resolve, reject) => {
    const beforeResponse = (error: unknown) => reject(transportError(DOWNLOAD, error, signal));
    request.once('error', beforeResponse);

    request.once('response', (response) => {
      request.off('error', beforeResponse);
      const statusCode: number = response.statusCode;

      if (statusCode < 200 || statusCode > 299) {
        request.on('error', () => {});
        void readSnippet(request, 2_000).then((text) => {
          request.destroy();
          let msg: string | null = null;
          try {
            const json: unknown = JSON.parse(text);
            if (isObject(json) && typeof json.msg === 'string') msg = redact(json.msg);
          } catch {
            // not JSON
          }
          reject(
            new PlugNMeetHttpError(DOWNLOAD, {
              statusCode,
              statusMessage: response.statusMessage,
              bodySnippet: redact(snippet(text)),
              msg,
              retryAfterSeconds: retryAfter(response.headers['retry-after']),
            }),
          );
        });
        return;
      }

      const encoding = String(response.headers['content-encoding'] ?? 'identity').toLowerCase();
      if (encoding !== 'identity') {
        request.on('error', () => {});
        request.destroy();
        reject(
          new PlugNMeetBadResponseError(
            DOWNLOAD,
            `PlugNMeet ${DOWNLOAD} sent the file with Content-Encoding ${encoding}; Rollcall needs the bytes as stored (a proxy compressing it?)`,
            false,
          ),
        );
        return;
      }

      const contentLength = parseLength(response.headers['content-length']);
      const contentType =
        typeof response.headers['content-type'] === 'string' ? response.headers['content-type'] : null;
      const stream = guardBody(request, contentLength, t.downloadIdleMs, signal, DOWNLOAD);
      resolve({
        stream,
        statusCode,
        contentLength,
        contentType,
        fileName: fileNameFrom(response.headers['content-disposition']),
      });
    });
  });
}

/**
 * Passes the body through, counting bytes: errors become PlugNMeetDownloadInterruptedError, a count
 * that does not match Content-Length is an error at the end, and no byte for `idleMs` while the
 * consumer could take more is a stall. Time the consumer spends not reading does not count.
 */
function guardBody(
  source: Readable,
  expected: number | null,
  idleMs: number,
  signal: AbortSignal | undefined,
  DOWNLOAD: PlugNMeetEndpoint,
): Readable {
  let received = 0;
  let lastByteAt = Date.now();
  let timer: NodeJS.Timeout | undefined;

  const interrupted = (reason: PlugNMeetDownloadInterruptedError['reason'], what: string) =>
    new PlugNMeetDownloadInterruptedError(
      `PlugNMeet ${DOWNLOAD} ${what} after ${received} of ${expected ?? 'unknown'} bytes`,
      { reason, receivedBytes: received, expectedBytes: expected },
      DOWNLOAD,
    );

  const body = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      received += chunk.length;
      lastByteAt = Date.now();
      if (expected !== null && received > expected) {
        callback(interrupted('length-mismatch', 'sent more bytes than Content-Length'));
        return;
      }
      callback(null, chunk);
    },
    flush(callback) {
      clearInterval(timer);
      if (expected !== null && received !== expected) {
        callback(interrupted('length-mismatch', 'ended early'));
        return;
      }
      callback();
    },
    destroy(error, callback) {
      clearInterval(timer);
      source.destroy();
      callback(error);
    },
  });

  // An error before the consumer attaches must not crash the process: it stays on the stream
  // (`errored`), and a later pipeline() or for-await still rejects with it.
  body.on('error', () => {});

  source.on('error', (error: { code?: string; message?: string }) => {
    if (signal?.aborted) {
      body.destroy(signal.reason instanceof Error ? signal.reason : new Error(String(signal.reason)));
      return;
    }
    body.destroy(interrupted('connection-lost', `lost the connection (${error?.code ?? error?.message ?? 'error'})`));
  });
  source.pipe(body);

  timer = setInterval(
    () => {
      // The consumer is behind (our buffers are full): waiting is not the server's fault.
      if (body.readableLength >= body.readableHighWaterMark || body.writableNeedDrain || source.isPaused()) {
        lastByteAt = Date.now();
        return;
      }
      if (Date.now() - lastByteAt >= idleMs) {
        body.destroy(interrupted('stalled', `sent nothing for ${idleMs} ms`));
      }
    },
    Math.max(10, Math.min(1_000, Math.floor(idleMs / 4))),
  );
  timer.unref();

  return body;
}

function parseLength(value: string | string[] | undefined): number | null {
  if (typeof value !== 'string' || !/^\d+$/.test(value.trim())) return null;
  const n = Number(value.trim());
  return Number.isSafeInteger(n) ? n : null;
}

/** The base name from a Content-Disposition header (filename* preferred), or null. */
function fileNameFrom(header: string | undefined): string | null {
  if (!header) return null;
  let name: string | null = null;
  const extended = /filename\*\s*=\s*(?:UTF-8|utf-8)?'[^']*'([^;]+)/.exec(header);
  if (extended) {
    try {
      name = decodeURIComponent(extended[1].trim());
    } catch {
      name = null;
    }
  }
  if (name === null) {
    const plain = /filename\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^;]+))/.exec(header);
    if (plain) name = (plain[1]?.replace(/\\(.)/g, '$1') ?? plain[2]).trim();
  }
  if (!name) return null;
  const base = name.split(/[/\\]/).pop() ?? '';
  return base === '' || base === '.' || base === '..' ? null : base;
}

/** Up to 2 KiB of an error body, waiting at most `ms`. */
function readSnippet(stream: Readable, ms: number): Promise<string> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const done = () => {
      clearTimeout(timer);
      stream.off('data', onData);
      stream.off('end', done);
      stream.off('error', done);
      resolve(Buffer.concat(chunks).toString('utf8'));
    };
    const onData = (chunk: Buffer) => {
      chunks.push(chunk);
      size += chunk.length;
      if (size >= 2_048) done();
    };
    const timer = setTimeout(done, ms);
    timer.unref();
    stream.on('data', onData);
    stream.once('end', done);
    stream.once('error', done);
  });
}
