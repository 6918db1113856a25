// PlugNMeet's API, as Rollcall needs it: for the download job, the recording's info, a download
// token and the file itself (download.ts); for the analytics import, the same through the artifact
// API (fetch by run, info, download token, download); for reconciliation, the active rooms. Every failure is a
// PlugNMeetApiError whose `retryable` says whether trying again later can help.
import { downloadFile } from './download.ts';
import {
  PlugNMeetBadResponseError,
  PlugNMeetStatusFalseError,
  MissingDownloadTokenError,
  type PlugNMeetEndpoint,
  type PlugNMeetStatusCode,
} from './errors.ts';
import { createTransport, isObject, statusCodeOf } from './transport.ts';
import type {
  ActiveRoom,
  PlugNMeetArtifact,
  PlugNMeetApi,
  PlugNMeetApiOptions,
  PlugNMeetParticipantInfo,
  PlugNMeetPastRoomInfo,
  PlugNMeetRecording,
} from './types.ts';

export * from './errors.ts';
export type * from './types.ts';

const INFO: PlugNMeetEndpoint = 'POST /auth/recording/info';
const TOKEN: PlugNMeetEndpoint = 'POST /auth/recording/getDownloadToken';
const ACTIVE_ROOMS: PlugNMeetEndpoint = 'POST /auth/room/getActiveRoomsInfo';
const ACTIVE_ROOM: PlugNMeetEndpoint = 'POST /auth/room/getActiveRoomInfo';
const ARTIFACTS: PlugNMeetEndpoint = 'POST /auth/artifact/fetch';
const ARTIFACT_INFO: PlugNMeetEndpoint = 'POST /auth/artifact/info';
const ARTIFACT_TOKEN: PlugNMeetEndpoint = 'POST /auth/artifact/getDownloadToken';
/** artifact/fetch with nothing to list: NOT_FOUND "no artifact found" (plugNmeet-server 2.4). */
const NO_ARTIFACTS = { codes: ['NOT_FOUND', 3], texts: /^no artifact found$/i };
// When nothing is going on, plugnmeet-server answers status: false. What it sends is decided by
// `status_code` (the StatusCode enum of plugnmeet_common_api.proto), which stays put across versions
// while the texts change: 2.2 to 2.4 (pkg/models/room_info.go) answer getActiveRoomsInfo with
// NOT_FOUND "no active room found", and getActiveRoomInfo with ROOM_NOT_FOUND "room not found in
// active state" (no running room of that id) or ROOM_NOT_ACTIVE "room is not active" (its run has
// ended). protojson writes the enum by name; a server set to write numbers would send 3, 10, 14.
// Older servers send no status_code (or UNKNOWN_STATUS, protojson's zero, where the field exists
// but they leave it unset): for them only their exact texts count ("no room found" and "room is not
// active" in 2.0 and 2.1, "room not active" in 1.x). Any other status: false is an error.
const NO_ACTIVE_ROOMS = { codes: ['NOT_FOUND', 3], texts: /^no active room found$/i };
const ROOM_GONE = {
  codes: ['ROOM_NOT_FOUND', 10, 'ROOM_NOT_ACTIVE', 14],
  texts: /^(no room found|room not active|room is not active)$/i,
};
const UNSET_STATUS_CODES: readonly PlugNMeetStatusCode[] = ['UNKNOWN_STATUS', 0];

export function createPlugNMeetApi(options: PlugNMeetApiOptions): PlugNMeetApi {
  const transport = createTransport(options);
  const { post, redact } = transport;

  return {
    async recordingInfo(recordId, call = {}) {
      requireId(recordId);
      const answer = await post(INFO, '/auth/recording/info', { record_id: recordId }, call);
      const recording = answer.recording_info ?? answer.recording;
      return {
        msg: typeof answer.msg === 'string' ? answer.msg : '',
        statusCode: statusCodeOf(answer.status_code),
        recording: isObject(recording) ? (recording as PlugNMeetRecording) : null,
        roomInfo: isObject(answer.room_info) ? (answer.room_info as PlugNMeetPastRoomInfo) : null,
      };
    },

    async downloadToken(recordId, call = {}) {
      requireId(recordId);
      const answer = await post(TOKEN, '/auth/recording/getDownloadToken', { record_id: recordId }, call);
      const token = answer.token;
      if (typeof token !== 'string' || token.trim() === '') {
        throw new MissingDownloadTokenError(typeof answer.msg === 'string' ? redact(answer.msg) : '');
      }
      return token.trim();
    },

    async activeRooms(call = {}) {
      let answer: Record<string, unknown>;
      try {
        answer = await post(ACTIVE_ROOMS, '/auth/room/getActiveRoomsInfo', {}, call);
      } catch (error) {
        if (saysNothingGoingOn(error, NO_ACTIVE_ROOMS)) return [];
        throw error;
      }
      if (answer.rooms !== undefined && !Array.isArray(answer.rooms)) {
        throw new PlugNMeetBadResponseError(
          ACTIVE_ROOMS,
          `PlugNMeet ${ACTIVE_ROOMS} answered rooms that are not a list`,
          true,
        );
      }
      return ((answer.rooms as unknown[] | undefined) ?? []).map((room) => activeRoomFrom(ACTIVE_ROOMS, room));
    },

    async activeRoom(roomId, call = {}) {
      requireId(roomId);
      let answer: Record<string, unknown>;
      try {
        answer = await post(ACTIVE_ROOM, '/auth/room/getActiveRoomInfo', { room_id: roomId }, call);
      } catch (error) {
        if (saysNothingGoingOn(error, ROOM_GONE)) return null;
        throw error;
      }
      return activeRoomFrom(ACTIVE_ROOM, answer.room);
    },

    download: (token, call) => downloadFile(transport, token, call),

    async analyticsArtifacts(roomSid, call = {}) {
      requireId(roomSid);
      let answer: Record<string, unknown>;
      try {
        answer = await post(ARTIFACTS, '/auth/artifact/fetch', { room_sid: roomSid, type: 'MEETING_ANALYTICS' }, call);
      } catch (error) {
        if (saysNothingGoingOn(error, NO_ARTIFACTS)) return [];
        throw error;
      }
      const list = isObject(answer.result) ? answer.result.artifacts_list : undefined;
      if (list !== undefined && list !== null && !Array.isArray(list)) {
        throw new PlugNMeetBadResponseError(
          ARTIFACTS,
          `PlugNMeet ${ARTIFACTS} answered an artifacts_list that is not a list`,
          true,
        );
      }
      return ((list as unknown[] | null | undefined) ?? [])
        .filter(isObject)
        .map((a) => a as PlugNMeetArtifact)
        .filter((a) => typeof a.artifact_id === 'string' && a.artifact_id !== '');
    },

    async artifactInfo(artifactId, call = {}) {
      requireId(artifactId);
      const answer = await post(ARTIFACT_INFO, '/auth/artifact/info', { artifact_id: artifactId }, call);
      if (!isObject(answer.artifact_info)) {
        throw new PlugNMeetBadResponseError(
          ARTIFACT_INFO,
          `PlugNMeet ${ARTIFACT_INFO} answered status: true without artifact_info`,
          true,
        );
      }
      const artifact = answer.artifact_info as PlugNMeetArtifact;
      const size = Number(artifact.metadata?.file_info?.file_size);
      return {
        artifact,
        roomInfo: isObject(answer.room_info) ? (answer.room_info as PlugNMeetPastRoomInfo) : null,
        fileSize: Number.isSafeInteger(size) && size >= 0 ? size : null,
      };
    },

    async artifactDownloadToken(artifactId, call = {}) {
      requireId(artifactId);
      const answer = await post(ARTIFACT_TOKEN, '/auth/artifact/getDownloadToken', { artifact_id: artifactId }, call);
      const token = answer.token;
      if (typeof token !== 'string' || token.trim() === '') {
        throw new MissingDownloadTokenError(typeof answer.msg === 'string' ? redact(answer.msg) : '', ARTIFACT_TOKEN);
      }
      return token.trim();
    },

    downloadArtifact: (token, call) => downloadFile(transport, token, call, 'artifact'),
  };
}

/** Whether `error` is PlugNMeet's status: false for nothing going on: by status_code, or by text when none is sent. */
function saysNothingGoingOn(error: unknown, answer: { codes: readonly PlugNMeetStatusCode[]; texts: RegExp }): boolean {
  if (!(error instanceof PlugNMeetStatusFalseError)) return false;
  const code =
    typeof error.statusCode === 'string' && /^\d+$/.test(error.statusCode)
      ? Number(error.statusCode)
      : error.statusCode;
  if (code !== null && !UNSET_STATUS_CODES.includes(code)) return answer.codes.includes(code);
  return answer.texts.test(error.msg.trim());
}

/** An ActiveRoomWithParticipant (room_info, participants_info) as an ActiveRoom. */
function activeRoomFrom(endpoint: PlugNMeetEndpoint, value: unknown): ActiveRoom {
  const info = isObject(value) && isObject(value.room_info) ? value.room_info : null;
  const roomId = info && typeof info.room_id === 'string' ? info.room_id : '';
  const roomSid = info && typeof info.sid === 'string' ? info.sid : '';
  if (!roomId || !roomSid) {
    throw new PlugNMeetBadResponseError(
      endpoint,
      `PlugNMeet ${endpoint} answered a room without room_info.room_id and room_info.sid`,
      true,
    );
  }
  const listed = isObject(value) ? value.participants_info : undefined;
  const joined = Number(info?.joined_participants ?? 0);
  const participants = Array.isArray(listed)
    ? listed.filter(isObject).map((p) => p as PlugNMeetParticipantInfo)
    : listed === undefined && !(joined > 0)
      ? []
      : null;
  return { roomId, roomSid, participants };
}

function requireId(id: string) {
  if (typeof id !== 'string' || id === '') throw new TypeError('the id must be a non-empty string');
}
