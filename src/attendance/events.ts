// What applying an event changes, as subscribers are told it, and what applying it did.

/** UPDATED: its numbers changed without a join or leave (the session's analytics file was imported). */
export type AttendanceChangeKind = 'JOINED' | 'LEFT' | 'UPDATED';
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
