// What plugnmeet-server answers on /auth/room/getActiveRoomsInfo and /auth/room/getActiveRoomInfo,
// byte for byte, so the client and the reconciler are tried against the real answers rather than
// against what we believe they are.
//
// Where they come from:
// - plugNmeet-server v2.4.0 (8c22107f0e234c5189eea1359406b1c07e106be2; the same at ff3c4ac2ce23):
//   pkg/models/room_info.go, GetActiveRoomInfo and GetActiveRoomsInfo, return (status, msg,
//   status_code, rooms); pkg/controllers/room.go, HandleGetActiveRoomInfo and
//   HandleGetActiveRoomsInfo, put them in a GetActiveRoomInfoRes / GetActiveRoomsInfoRes and send it
//   with utils.SendProtoJsonResponse, always HTTP 200.
// - plugnmeet-protocol v1.5.0 (85ac8473fd0f32d75e8f1ee718c3c88fd1ed80e5), which v2.4.0 requires:
//   utils/common.go marshals with protojson { EmitUnpopulated: true, UseProtoNames: true };
//   proto_files/plugnmeet_auth_room.proto: GetActiveRoomInfoRes { status = 1; msg = 2;
//   status_code = 3; room = 4 }, GetActiveRoomsInfoRes { status, msg, status_code, repeated rooms };
//   proto_files/plugnmeet_common_api.proto: enum StatusCode { UNKNOWN_STATUS = 0; SUCCESS = 1;
//   NOT_FOUND = 3; INTERNAL_SERVER_ERROR = 7; INVALID_PARAMETERS = 8; ROOM_NOT_FOUND = 10;
//   ROOM_NOT_ACTIVE = 14; … }.
// - protobuf-go v1.36.11 (v2.4.0's go.mod), encoding/protojson/encode.go: fields in declaration
//   order; an enum by its name (a number only with UseEnumNumbers); an unset message field as
//   null and an empty list as [] under EmitUnpopulated; int64 as a string. A build may also put a
//   space after every comma (internal/encoding/json/encode.go adds one at random per binary, to
//   keep output from being compared byte for byte): GONE_ROOM_SPACED is that form.
// - Older servers: v2.0.0 and v2.1.0 (plugnmeet-protocol v1.2.0, no status_code field at all)
//   answer "no room found" / "room is not active" / "no active room found" and nothing else.

/** getActiveRoomInfo, 2.4: no running room of that id in its database (room_info.go:55). */
export const ROOM_NOT_FOUND =
  '{"status":false,"msg":"room not found in active state","status_code":"ROOM_NOT_FOUND","room":null}';

/** getActiveRoomInfo, 2.4: in its database as running, but ended (or missing) in NATS (room_info.go:70). */
export const ROOM_NOT_ACTIVE =
  '{"status":false,"msg":"room is not active","status_code":"ROOM_NOT_ACTIVE","room":null}';

/** ROOM_NOT_FOUND as a build whose protojson puts a space after each comma writes it. */
export const GONE_ROOM_SPACED =
  '{"status":false, "msg":"room not found in active state", "status_code":"ROOM_NOT_FOUND", "room":null}';

/** getActiveRoomInfo, 2.4: NATS failed (room_info.go:60); the message is the NATS error's. */
export const ROOM_INTERNAL_ERROR =
  '{"status":false,"msg":"nats: timeout","status_code":"INTERNAL_SERVER_ERROR","room":null}';

/** getActiveRoomsInfo, 2.4: no running room at all (room_info.go:109). Not an error: an empty list. */
export const NO_ACTIVE_ROOMS = '{"status":false,"msg":"no active room found","status_code":"NOT_FOUND","rooms":[]}';

/** getActiveRoomsInfo, 2.4: its database failed (room_info.go:106); the message is the driver's. */
export const ROOMS_INTERNAL_ERROR =
  '{"status":false,"msg":"dial tcp 127.0.0.1:3306: connect: connection refused","status_code":"INTERNAL_SERVER_ERROR","rooms":[]}';

/** The same answers from 2.0 / 2.1: no status_code. */
export const OLD_NO_ROOM_FOUND = '{"status":false,"msg":"no room found","room":null}';
export const OLD_ROOM_IS_NOT_ACTIVE = '{"status":false,"msg":"room is not active","room":null}';
export const OLD_NO_ACTIVE_ROOMS = '{"status":false,"msg":"no active room found","rooms":[]}';

/**
 * One room run as 2.4 describes it (ActiveRoomWithParticipant; room_info.go:73-98 / 111-148). The
 * room_info is complete; each participant is livekit.ParticipantInfo, abridged here to the fields
 * Rollcall reads and a few others (the real one has about twenty more).
 */
export function describedRoom(room: {
  roomId: string;
  roomSid: string;
  participants: { sid: string; identity: string }[];
}) {
  return {
    room_info: {
      room_title: `Room ${room.roomId}`,
      room_id: room.roomId,
      sid: room.roomSid,
      joined_participants: String(room.participants.length),
      is_running: 1,
      is_recording: 0,
      is_active_rtmp: 0,
      webhook_url: '',
      is_breakout_room: 0,
      parent_room_id: '',
      creation_time: '1795510800',
      metadata: '{}',
    },
    participants_info: room.participants.map((p) => ({
      sid: p.sid,
      identity: p.identity,
      state: 'ACTIVE',
      tracks: [],
      metadata: '{}',
      joined_at: '1795510810',
      name: p.identity,
      version: 2,
      is_publisher: false,
      kind: 'STANDARD',
      joined_at_ms: '1795510810000',
    })),
  };
}

/** getActiveRoomInfo, 2.4, for a running room (room_info.go:100). */
export const roomAnswer = (room: Parameters<typeof describedRoom>[0]) =>
  JSON.stringify({ status: true, msg: 'success', status_code: 'SUCCESS', room: describedRoom(room) });

/** getActiveRoomsInfo, 2.4, with rooms running (room_info.go:150). */
export const roomsAnswer = (rooms: Parameters<typeof describedRoom>[0][]) =>
  JSON.stringify({ status: true, msg: 'success', status_code: 'SUCCESS', rooms: rooms.map(describedRoom) });
