// The PlugNMeet events Rollcall acts on, as the domain sees them (the webhook layer maps the wire
// format to these), and the changes applying them produces.

export interface RoomRef {
  /** The name the LMS gave the room (`room.room_id`, formerly `room.identity`). */
  roomId: string;
  /** PlugNMeet's id of one run of the room. */
  roomSid?: string;
}

export interface ParticipantRef {
  /** The LMS user id. */
  identity: string;
  name?: string;
  /** One connection. */
  sid?: string;
  joinedAt?: Date;
  isAdmin: boolean;
}

export interface RecordingRef {
  recordId: string;
  filePath?: string;
  fileSizeMb?: number;
}

export type RoomEventName = 'room_created' | 'room_started' | 'room_finished' | 'session_ended';
export type ParticipantEventName = 'participant_joined' | 'participant_left';
export type RecordingEventName = 'end_recording' | 'recording_proceeded';

export type DomainEvent =
  | { name: RoomEventName; room: RoomRef; at: Date }
  | { name: ParticipantEventName; room: RoomRef; participant: ParticipantRef; at: Date }
  | { name: RecordingEventName; room: RoomRef; recording: RecordingRef; at: Date };

export type AttendanceChangeKind = 'JOINED' | 'LEFT';
/** UPDATED: the session's answers changed without an event of its own (its course's policy or roster). */
export type LiveSessionChangeKind = 'STARTED' | 'ENDED' | 'UPDATED';

export interface SessionScope {
  sessionId: string;
  roomId: string;
  courseId: string | null;
}

export type RecordingStatus = 'PROCESSING' | 'DOWNLOADING' | 'READY' | 'FAILED';

export type Change =
  | ({ type: 'attendance'; kind: AttendanceChangeKind; attendanceId: string; userId: string } & SessionScope)
  | ({ type: 'session'; kind: LiveSessionChangeKind } & SessionScope)
  | {
      type: 'recording';
      status: RecordingStatus;
      recordingId: string;
      roomId: string;
      sessionId: string | null;
      courseId: string | null;
    };

/** What applying one event did: stored as the event's status, answered to PlugNMeet, published. */
export interface Effect {
  status: 'APPLIED' | 'IGNORED' | 'PENDING';
  message: string;
  sessionId?: string;
  changes: Change[];
}
