// A PlugNMeet server on loopback for the recording, analytics and reconciliation tests: it checks
// API-KEY and HASH-SIGNATURE like the real one, answers recording info and download tokens, serves
// files and artifacts (the analytics file), and
// lists the active rooms (answering as plugNmeet-server 2.4 does, plugnmeet-room-answers.ts), with the
// failures the tests ask for.
import { createHmac } from 'node:crypto';
import { createReadStream, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { API_KEY, API_SECRET } from './plugnmeet.ts';
import { NO_ACTIVE_ROOMS, ROOM_NOT_FOUND, roomAnswer, roomsAnswer } from './plugnmeet-room-answers.ts';

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

/** An artifact (the analytics file of a run), served by the artifact API as plugNmeet-server 2.4 answers. */
export interface FakeArtifact {
  roomId: string;
  roomSid: string;
  /** The file's bytes. */
  body: Buffer | string;
  /** The first N calls of each artifact API call answer HTTP 500. */
  failCalls?: number;
  /** The first N downloads answer 500. */
  failDownloads?: number;
  /** Announce this file_size in the artifact's metadata instead of the true one. */
  announcedSize?: number;
}

/** A room run going on, as getActiveRoomsInfo lists it. */
export interface FakeActiveRoom {
  roomId: string;
  roomSid: string;
  /** Its connections (participant sid and identity); none: participants_info is [], as 2.4's protojson sends it. */
  participants: { sid: string; identity: string }[];
  /** Left out of getActiveRoomsInfo (PlugNMeet skips a room it fails to describe), still in getActiveRoomInfo. */
  unlisted?: boolean;
}

export interface FakePlugNMeet {
  url: string;
  recordings: Map<string, FakeRecording>;
  /** The active rooms, by room sid. */
  rooms: Map<string, FakeActiveRoom>;
  /** Answer the room calls with this status:false msg (say, an outage of PlugNMeet's database), as INTERNAL_SERVER_ERROR. */
  roomsFailure?: string;
  /**
   * Answer getActiveRoomInfo about these room ids with this raw body and HTTP status (default 200),
   * whatever `rooms` holds: a failure, or another of PlugNMeet's answers (plugnmeet-room-answers.ts).
   */
  roomAnswers: Map<string, { httpStatus?: number; body: string }>;
  /** Artifacts by artifact id. */
  artifacts: Map<string, FakeArtifact>;
  counts: {
    info: number;
    token: number;
    download: number;
    badSignature: number;
    activeRoom: number;
    artifactFetch: number;
    artifactInfo: number;
    artifactToken: number;
    artifactDownload: number;
  };
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
  const rooms = new Map<string, FakeActiveRoom>();
  const tokens = new Map<string, string>();
  const roomAnswers = new Map<string, { httpStatus?: number; body: string }>();
  const artifacts = new Map<string, FakeArtifact>();
  const artifactTokens = new Map<string, string>();
  const counts = {
    info: 0,
    token: 0,
    download: 0,
    badSignature: 0,
    activeRoom: 0,
    artifactFetch: 0,
    artifactInfo: 0,
    artifactToken: 0,
    artifactDownload: 0,
  };
  const NOT_FOUND = (what: string) => ({ status: false, msg: `${what} not found`, status_code: 'NOT_FOUND' });
  const artifactInfo = (id: string, a: FakeArtifact) => ({
    artifact_id: id,
    room_id: a.roomId,
    type: 'MEETING_ANALYTICS',
    created: '2026-11-24T10:00:51Z',
    metadata: {
      user_info: null,
      provider_job_info: null,
      file_info: {
        file_path: `meeting_analytics/${a.roomId}/analytics-${a.roomSid}-1795514451268.json`,
        file_size: String(a.announcedSize ?? Buffer.byteLength(a.body)),
        mime_type: 'application/json',
      },
    },
  });
  const sockets = new Set<Socket>();

  const json = (res: ServerResponse, status: number, body: unknown) => raw(res, status, JSON.stringify(body));
  const raw = (res: ServerResponse, status: number, text: string) => {
    res.writeHead(status, { 'content-type': 'application/json' }).end(text);
  };

  /** The body, when API-KEY and HASH-SIGNATURE check out as plugnmeet-server checks them; else null. */
  async function signedBody(req: IncomingMessage): Promise<Buffer | null> {
    const body = await readBody(req);
    const signature = createHmac('sha256', API_SECRET).update(body).digest('hex');
    if (req.headers['api-key'] === API_KEY && req.headers['hash-signature'] === signature) return body;
    counts.badSignature++;
    return null;
  }

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const url = new URL(req.url ?? '/', 'http://fake');
    if (req.method === 'POST' && url.pathname.startsWith('/auth/recording/')) {
      const body = await signedBody(req);
      if (!body) return json(res, 401, { status: false, msg: 'invalid signature' });
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
          recording_info: {
            record_id: recordId,
            file_path: `node_01/${recordId}.mp4`,
            metadata: { title: recording.title },
          },
        });
      }
      if (url.pathname === '/auth/recording/getDownloadToken') {
        if (recording.noToken) return json(res, 200, { status: true, msg: 'success' });
        const token = `tok-${recordId}-${counts.token}`;
        tokens.set(token, recordId);
        return json(res, 200, { status: true, msg: 'success', token });
      }
    }
    if (req.method === 'POST' && url.pathname.startsWith('/auth/room/')) {
      const body = await signedBody(req);
      if (!body) return json(res, 401, { status: false, msg: 'invalid signature' });
      const list = url.pathname === '/auth/room/getActiveRoomsInfo';
      if (fake.roomsFailure) {
        return json(res, 200, {
          status: false,
          msg: fake.roomsFailure,
          status_code: 'INTERNAL_SERVER_ERROR',
          ...(list ? { rooms: [] } : { room: null }),
        });
      }
      if (list) {
        const listed = [...rooms.values()].filter((room) => !room.unlisted);
        if (!listed.length) return raw(res, 200, NO_ACTIVE_ROOMS);
        return raw(res, 200, roomsAnswer(listed));
      }
      if (url.pathname === '/auth/room/getActiveRoomInfo') {
        counts.activeRoom++;
        const { room_id: roomId } = JSON.parse(body.toString()) as { room_id: string };
        const answer = roomAnswers.get(roomId);
        if (answer) return raw(res, answer.httpStatus ?? 200, answer.body);
        const room = [...rooms.values()].find((r) => r.roomId === roomId);
        if (!room) return raw(res, 200, ROOM_NOT_FOUND);
        return raw(res, 200, roomAnswer(room));
      }
    }
    if (req.method === 'POST' && url.pathname.startsWith('/auth/artifact/')) {
      const body = await signedBody(req);
      if (!body)
        return json(res, 401, {
          status: false,
          msg: 'Failed to verify provided authentication details.',
          status_code: 'INVALID_TOKEN_OR_SIGNATURE',
        });
      const request = JSON.parse(body.toString()) as { artifact_id?: string; room_sid?: string; type?: string };
      const failing = (a: FakeArtifact | undefined) => {
        if (!a?.failCalls) return false;
        a.failCalls--;
        json(res, 500, { status: false, msg: 'internal error' });
        return true;
      };
      if (url.pathname === '/auth/artifact/fetch') {
        counts.artifactFetch++;
        const found = [...artifacts.entries()].filter(([, a]) => a.roomSid === request.room_sid);
        if (found.some(([, a]) => failing(a))) return;
        if (!found.length) return json(res, 200, { status: false, msg: 'no artifact found', status_code: 'NOT_FOUND' });
        return json(res, 200, {
          status: true,
          msg: 'success',
          status_code: 'SUCCESS',
          result: {
            total_artifacts: String(found.length),
            from: '0',
            limit: '20',
            order_by: 'DESC',
            type: 'MEETING_ANALYTICS',
            artifacts_list: found.map(([id, a]) => artifactInfo(id, a)),
          },
        });
      }
      const id = request.artifact_id ?? '';
      const artifact = artifacts.get(id);
      if (url.pathname === '/auth/artifact/info') {
        counts.artifactInfo++;
        if (failing(artifact)) return;
        if (!artifact) return json(res, 200, NOT_FOUND('artifact'));
        return json(res, 200, {
          status: true,
          msg: 'success',
          status_code: 'SUCCESS',
          artifact_info: artifactInfo(id, artifact),
          room_info: {
            room_title: 'Algebra 101',
            room_id: artifact.roomId,
            room_sid: artifact.roomSid,
            joined_participants: '0',
            webhook_url: '',
            created: '2026-11-24 09:00:00',
            ended: '2026-11-24 10:00:00',
          },
        });
      }
      if (url.pathname === '/auth/artifact/getDownloadToken') {
        counts.artifactToken++;
        if (failing(artifact)) return;
        if (!artifact) return json(res, 200, NOT_FOUND('artifact'));
        const token = `art-${id}-${counts.artifactToken}`;
        artifactTokens.set(token, id);
        return json(res, 200, { status: true, msg: 'success', status_code: 'SUCCESS', token });
      }
    }
    const artifactDownload = /^\/download\/artifact\/(.+)$/.exec(url.pathname);
    if (req.method === 'GET' && artifactDownload) {
      counts.artifactDownload++;
      const id = artifactTokens.get(artifactDownload[1]) ?? '';
      const artifact = artifacts.get(id);
      if (!artifact) return res.writeHead(401, { 'content-type': 'text/plain' }).end('token expired');
      if (artifact.failDownloads && artifact.failDownloads > 0) {
        artifact.failDownloads--;
        return res.writeHead(500, { 'content-type': 'text/plain' }).end('download hook pipeline failed');
      }
      const bytes = Buffer.from(artifact.body);
      return res
        .writeHead(200, {
          'content-type': 'application/json',
          'content-length': String(bytes.length),
          'content-disposition': `attachment; filename=analytics-${artifact.roomSid}-1795514451268.json`,
        })
        .end(bytes);
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
        const stream = createReadStream(recording.file, {
          highWaterMark: Math.max(1, Math.floor(recording.bytesPerSecond / 10)),
        });
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
  const fake: FakePlugNMeet = {
    url: `http://127.0.0.1:${port}`,
    recordings,
    rooms,
    roomAnswers,
    artifacts,
    counts,
    suspend: stop,
    resume: listen,
    close: stop,
  };
  return fake;
}
