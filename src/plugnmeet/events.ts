// The PlugNMeet events Rollcall acts on, parsed from the wire (webhook-body.ts) into typed values:
// what the ingest path applies.

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

/** What Rollcall measures of a track; other sources (or none) are not measured. */
export type MediaSource = 'CAMERA' | 'MICROPHONE' | 'SCREEN_SHARE' | 'SCREEN_SHARE_AUDIO';

export interface TrackRef {
  /** LiveKit's track sid. */
  sid: string;
  /** null for a source Rollcall does not measure (or none given). */
  source: MediaSource | null;
}

export type RoomEventName = 'room_created' | 'room_started' | 'room_finished' | 'session_ended';
export type ParticipantEventName = 'participant_joined' | 'participant_left';
export type TrackEventName = 'track_published' | 'track_unpublished';
export type RecordingEventName = 'end_recording' | 'recording_proceeded';
export type AnalyticsEventName = 'analytics_proceeded' | 'artifact_created';

export type PlugNMeetEvent =
  | { name: RoomEventName; room: RoomRef; at: Date }
  | { name: ParticipantEventName; room: RoomRef; participant: ParticipantRef; at: Date }
  | { name: TrackEventName; room: RoomRef; participant: ParticipantRef; track: TrackRef; at: Date }
  | { name: RecordingEventName; room: RoomRef; recording: RecordingRef; at: Date }
  /** `fileId`: PlugNMeet's artifact id of the run's analytics file, when the event carried it. */
  | { name: AnalyticsEventName; room: RoomRef & { roomSid: string }; analytics: { fileId: string | null }; at: Date };
