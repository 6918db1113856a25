// A PlugNMeet server on loopback for the recording tests: it checks API-KEY and HASH-SIGNATURE
// like the real one, answers recording info and download tokens, and serves files, with the
// failures the tests ask for.
import { createHmac } from 'node:crypto';
import { createReadStream, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { API_KEY, API_SECRET } from './plugnmeet.ts';

export interface FakeRecording {
  /** The file served for this record id. */
  file: string;
  title?: string;
  /** Answer info and token calls with status:false and this msg. */
  statusFalse?: string;
  /** Answer the token call without a token. */
  noToken?: boolean;
  /** The first N downloads answer 500. */
  failDownloads?: number;
  /** The first N downloads send half the file, then drop the connection. */
  cutShort?: number;
  /** Send the file at this many bytes per second (for a restart in the middle). */
  bytesPerSecond?: number;
}

export interface FakePlugNMeet {
  url: string;
  recordings: Map<string, FakeRecording>;
  counts: { info: number; token: number; download: number; badSignature: number };
  /** Stops listening (the server becomes unreachable) until `resume()`. */
  suspend(): Promise<void>;
  resume(): Promise<void>;
  close(): Promise<void>;
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

export async function startFakePlugNMeet(): Promise<FakePlugNMeet> {
  const recordings = new Map<string, FakeRecording>();
  const tokens = new Map<string, string>();
  const counts = { info: 0, token: 0, download: 0, badSignature: 0 };
  const sockets = new Set<Socket>();

  const json = (res: ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  };

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const url = new URL(req.url ?? '/', 'http://fake');
    if (req.method === 'POST' && url.pathname.startsWith('/auth/recording/')) {
      const body = await readBody(req);
      const signature = createHmac('sha256', API_SECRET).update(body).digest('hex');
      if (req.headers['api-key'] !== API_KEY || req.headers['hash-signature'] !== signature) {
        counts.badSignature++;
        return json(res, 401, { status: false, msg: 'invalid signature' });
      }
      const { record_id: recordId } = JSON.parse(body.toString()) as { record_id: string };
      const recording = recordings.get(recordId);
      if (url.pathname === '/auth/recording/info') counts.info++;
      if (url.pathname === '/auth/recording/getDownloadToken') counts.token++;
      if (!recording) return json(res, 200, { status: false, msg: 'requested recording not found' });
      if (recording.statusFalse) return json(res, 200, { status: false, msg: recording.statusFalse });
      if (url.pathname === '/auth/recording/info') {
        return json(res, 200, {
          status: true,
          msg: 'success',
          recording_info: { record_id: recordId, file_path: `node_01/${recordId}.mp4`, metadata: { title: recording.title } },
        });
      }
      if (url.pathname === '/auth/recording/getDownloadToken') {
        if (recording.noToken) return json(res, 200, { status: true, msg: 'success' });
        const token = `tok-${recordId}-${counts.token}`;
        tokens.set(token, recordId);
        return json(res, 200, { status: true, msg: 'success', token });
      }
    }
    const download = /^\/download\/recording\/(.+)$/.exec(url.pathname);
    if (req.method === 'GET' && download) {
      counts.download++;
      const recording = recordings.get(tokens.get(download[1]) ?? '');
      if (!recording) return json(res, 404, { status: false, msg: 'invalid token' });
      if (recording.failDownloads && recording.failDownloads > 0) {
        recording.failDownloads--;
        return json(res, 500, { status: false, msg: 'storage unavailable' });
      }
      const size = statSync(recording.file).size;
      res.writeHead(200, { 'content-type': 'video/mp4', 'content-length': String(size) });
      if (recording.cutShort && recording.cutShort > 0) {
        recording.cutShort--;
        const half = createReadStream(recording.file, { end: Math.floor(size / 2) - 1 });
        half.on('data', (chunk) => res.write(chunk));
        half.on('end', () => setTimeout(() => res.socket?.destroy(), 20));
        return;
      }
      if (recording.bytesPerSecond) {
        const stream = createReadStream(recording.file, { highWaterMark: Math.max(1, Math.floor(recording.bytesPerSecond / 10)) });
        stream.on('data', (chunk) => {
          stream.pause();
          res.write(chunk, () => setTimeout(() => stream.resume(), 100));
        });
        stream.on('end', () => res.end());
        res.on('close', () => stream.destroy());
        return;
      }
      createReadStream(recording.file).pipe(res);
      return;
    }
    json(res, 404, { status: false, msg: 'not found' });
  }

  let server: Server;
  let port = 0;
  const listen = () =>
    new Promise<void>((resolve) => {
      server = createServer((req, res) => {
        handle(req, res).catch((error) => json(res, 500, { status: false, msg: String(error) }));
      });
      server.on('connection', (socket) => {
        sockets.add(socket);
        socket.on('close', () => sockets.delete(socket));
      });
      server.listen(port, '127.0.0.1', () => {
        port = (server.address() as AddressInfo).port;
        resolve();
      });
    });
  const stop = () =>
    new Promise<void>((resolve) => {
      for (const socket of sockets) socket.destroy();
      server.close(() => resolve());
    });
  await listen();
  return {
    url: `http://127.0.0.1:${port}`,
    recordings,
    counts,
    suspend: stop,
    resume: listen,
    close: stop,
  };
}
