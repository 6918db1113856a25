// What PlugNMeet's API answers and what the client offers (fields optional: server versions differ;
// see plugnmeet-protocol).
import type { Readable } from 'node:stream';
import type { PlugNMeetStatusCode } from './errors.ts';

export interface PlugNMeetRecordingMetadata {
  title?: string;
  description?: string;
  subtitles?: Record<string, { label?: string; url?: string }>;
  extra_data?: Record<string, string>;
}

/** PlugNMeet's RecordingInfo. Numbers may come as strings (protobuf JSON int64). */
export interface PlugNMeetRecording {
  record_id?: string;
  room_id?: string;
  room_sid?: string;
  file_path?: string;
  /** As PlugNMeet stores it: MB in some versions, bytes in others. Trust Content-Length instead. */
  file_size?: number | string;
  creation_time?: number | string;
  room_creation_time?: number | string;
  metadata?: PlugNMeetRecordingMetadata;
  [field: string]: unknown;
}

/** PlugNMeet's PastRoomInfo (the room run that made the recording). */
export interface PlugNMeetPastRoomInfo {
  room_title?: string;
  room_id?: string;
  room_sid?: string;
  joined_participants?: number | string;
  webhook_url?: string;
  created?: string;
  ended?: string;
  [field: string]: unknown;
}

/** One connection in an active room (LiveKit's ParticipantInfo). */
export interface PlugNMeetParticipantInfo {
  sid?: string;
  identity?: string;
  name?: string;
  joined_at?: number | string;
  [field: string]: unknown;
}

/** A run of a room going on now: PlugNMeet's ActiveRoomInfo and its connections. */
export interface ActiveRoom {
  roomId: string;
  roomSid: string;
  /**
   * Its connections. Protobuf JSON omits an empty list, so an absent one is read as none only
   * when `joined_participants` is absent or 0; otherwise (PlugNMeet could not load them) null.
   */
  participants: PlugNMeetParticipantInfo[] | null;
}

export interface RecordingInfoResult {
  msg: string;
  /** PlugNMeet's `status_code` as sent (a StatusCode name, or its number), when sent. */
  statusCode: PlugNMeetStatusCode | null;
  /** `recording_info` (or `recording` in other server versions); null if absent. */
  recording: PlugNMeetRecording | null;
  roomInfo: PlugNMeetPastRoomInfo | null;
}

export interface RecordingDownload {
  /**
   * The file's bytes. Errors on it are PlugNMeetDownloadInterruptedError (retryable). It checks the
   * byte count against Content-Length, so a body that ends normally is complete. Destroying it
   * aborts the request.
   */
  stream: Readable;
  statusCode: number;
  /** From Content-Length; null when the server streams without one (chunked). */
  contentLength: number | null;
  /** The Content-Type header, verbatim (e.g. 'video/mp4'); null if absent. Not the media type: probe. */
  contentType: string | null;
  /** The file name from Content-Disposition, if the server sent one (a base name, no directories). */
  fileName: string | null;
}

export interface PlugNMeetApiTimeouts {
  /** DNS lookup. Default 5 s. */
  lookupMs?: number;
  /** TCP connect, and TLS handshake for https. Default 5 s. */
  connectMs?: number;
  /** From the request sent to the response headers, for every call. Default 15 s. */
  responseMs?: number;
  /** Whole JSON call, body included. Default 30 s. */
  requestMs?: number;
  /** Download: longest wait for the next body byte while the consumer is ready for it. Default 60 s. */
  downloadIdleMs?: number;
}

export interface PlugNMeetApiOptions {
  /** e.g. https://plugnmeet.example.org (a path prefix is kept). */
  serverUrl: string;
  apiKey: string;
  apiSecret: string;
  timeouts?: PlugNMeetApiTimeouts;
}

export interface CallOptions {
  /** Aborting rejects (or destroys the stream) with the signal's reason, not a PlugNMeetApiError. */
  signal?: AbortSignal;
}

/** PlugNMeet's ArtifactInfo (plugnmeet_auth_artifact.proto), as far as Rollcall reads it. */
export interface PlugNMeetArtifact {
  artifact_id?: string;
  room_id?: string;
  type?: string;
  created?: string;
  metadata?: {
    file_info?: { file_path?: string; file_size?: number | string; mime_type?: string } | null;
    [field: string]: unknown;
  } | null;
  [field: string]: unknown;
}

export interface ArtifactInfoResult {
  artifact: PlugNMeetArtifact;
  /** The run that made it (room_info.room_sid), when sent. */
  roomInfo: PlugNMeetPastRoomInfo | null;
  /** file_info.file_size as a number, when sent. */
  fileSize: number | null;
}

export interface PlugNMeetApi {
  /**
   * The run's meeting analytics artifacts (POST /auth/artifact/fetch by room_sid), newest first;
   * PlugNMeet's "no artifact found" (status_code NOT_FOUND) is an empty list.
   */
  analyticsArtifacts(roomSid: string, options?: CallOptions): Promise<PlugNMeetArtifact[]>;
  /** One artifact and the run that made it (POST /auth/artifact/info). */
  artifactInfo(artifactId: string, options?: CallOptions): Promise<ArtifactInfoResult>;
  /** A short-lived token for downloadArtifact() (POST /auth/artifact/getDownloadToken). */
  artifactDownloadToken(artifactId: string, options?: CallOptions): Promise<string>;
  /** GET /download/artifact/{token}, streamed like download(). */
  downloadArtifact(token: string, options?: CallOptions): Promise<RecordingDownload>;
  recordingInfo(recordId: string, options?: CallOptions): Promise<RecordingInfoResult>;
  /** A short-lived token for download(); get a fresh one for every attempt. */
  downloadToken(recordId: string, options?: CallOptions): Promise<string>;
  /** Resolves once 2xx headers arrived; the body is streamed, never buffered. */
  download(token: string, options?: CallOptions): Promise<RecordingDownload>;
  /** Every room run going on now (PlugNMeet's "no active room found", status_code NOT_FOUND, is an empty list). */
  activeRooms(options?: CallOptions): Promise<ActiveRoom[]>;
  /**
   * The run of `roomId` going on now; null when PlugNMeet says the room is gone (status_code
   * ROOM_NOT_FOUND or ROOM_NOT_ACTIVE). Any other status: false is a PlugNMeetStatusFalseError.
   */
  activeRoom(roomId: string, options?: CallOptions): Promise<ActiveRoom | null>;
}
