/* eslint-disable */
/** Internal type. DO NOT USE DIRECTLY. */
type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
/** Internal type. DO NOT USE DIRECTLY. */
export type Incremental<T> = T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
import type { DocumentTypeDecoration } from '@graphql-typed-document-node/core';
/** JOINED: the attendance changed and the user is online; LEFT: it changed and the user is offline; UPDATED: its engagement or media time changed without a join or leave (the session's analytics file was imported). */
export type AttendanceChangeKind =
  | 'JOINED'
  | 'LEFT'
  | 'UPDATED';

export type AttendanceRole =
  | 'MODERATOR'
  | 'PARTICIPANT';

/** ABSENT: attended less than the policy's minimum share of the session, or a camera on for less than its minimum share of the time attended, or (once the analytics file is imported) talked less than its minimum; else LATE: first joined more than lateAfterMinutes after the start; else LEFT_EARLY: last left more than leftEarlyMinutes before the end (ended sessions); else PRESENT. */
export type AttendanceVerdict =
  | 'ABSENT'
  | 'LATE'
  | 'LEFT_EARLY'
  | 'PRESENT';

/** UPDATED: verdicts or absentees changed with the course's attendance policy or roster (refetch them). */
export type LiveSessionChangeKind =
  | 'ENDED'
  | 'STARTED'
  | 'UPDATED';

export type RecordingStatus =
  | 'DOWNLOADING'
  | 'FAILED'
  | 'PROCESSING'
  | 'READY';

export type SessionSummaryFragment = { id: string, roomId: string, subject: string | null, isLive: boolean, startedAt: string | null, endedAt: string | null, endInferred: boolean, onlineCount: number };

export type AttendanceRowFragment = { id: string, isOnline: boolean, attendedSeconds: number, role: AttendanceRole, firstJoinedAt: string, lastLeftAt: string | null, verdict: AttendanceVerdict, user: { id: string, name: string | null }, spans: Array<{ joinedAt: string, leftAt: string | null }>, media: { cameraSeconds: number, microphoneSeconds: number, screenShareSeconds: number }, engagement: { talkSeconds: number, chatMessages: number, raisedHands: number, pollVotes: number, reactions: number } | null };

export type SessionDetailFragment = { id: string, roomId: string, subject: string | null, isLive: boolean, startedAt: string | null, endedAt: string | null, endInferred: boolean, onlineCount: number, course: { id: string, slug: string, title: string } | null, attendances: Array<{ id: string, isOnline: boolean, attendedSeconds: number, role: AttendanceRole, firstJoinedAt: string, lastLeftAt: string | null, verdict: AttendanceVerdict, user: { id: string, name: string | null }, spans: Array<{ joinedAt: string, leftAt: string | null }>, media: { cameraSeconds: number, microphoneSeconds: number, screenShareSeconds: number }, engagement: { talkSeconds: number, chatMessages: number, raisedHands: number, pollVotes: number, reactions: number } | null }>, absentees: Array<{ id: string, name: string | null }>, recordings: Array<{ id: string, title: string, status: RecordingStatus, durationSeconds: number | null, playbackUrl: string | null, createdAt: string }> };

export type PageSignInQueryVariables = Exact<{ [key: string]: never; }>;


export type PageSignInQuery = { me: { id: string, name: string | null } | null, courses: Array<{ id: string, slug: string, title: string }> };

export type PageCourseSessionsQueryVariables = Exact<{
  slug: string;
}>;


export type PageCourseSessionsQuery = { course: { id: string, slug: string, title: string, liveSessions: Array<{ id: string, roomId: string, subject: string | null, isLive: boolean, startedAt: string | null, endedAt: string | null, endInferred: boolean, onlineCount: number }> } | null };

export type PageSessionByIdQueryVariables = Exact<{
  id: string | number;
}>;


export type PageSessionByIdQuery = { session: { id: string, roomId: string, subject: string | null, isLive: boolean, startedAt: string | null, endedAt: string | null, endInferred: boolean, onlineCount: number, course: { id: string, slug: string, title: string } | null, attendances: Array<{ id: string, isOnline: boolean, attendedSeconds: number, role: AttendanceRole, firstJoinedAt: string, lastLeftAt: string | null, verdict: AttendanceVerdict, user: { id: string, name: string | null }, spans: Array<{ joinedAt: string, leftAt: string | null }>, media: { cameraSeconds: number, microphoneSeconds: number, screenShareSeconds: number }, engagement: { talkSeconds: number, chatMessages: number, raisedHands: number, pollVotes: number, reactions: number } | null }>, absentees: Array<{ id: string, name: string | null }>, recordings: Array<{ id: string, title: string, status: RecordingStatus, durationSeconds: number | null, playbackUrl: string | null, createdAt: string }> } | null };

export type PageSessionRoomQueryVariables = Exact<{
  id: string | number;
}>;


export type PageSessionRoomQuery = { session: { roomId: string } | null };

export type PageRoomSessionQueryVariables = Exact<{
  roomId: string;
}>;


export type PageRoomSessionQuery = { liveSession: { id: string, roomId: string, subject: string | null, isLive: boolean, startedAt: string | null, endedAt: string | null, endInferred: boolean, onlineCount: number, course: { id: string, slug: string, title: string } | null, attendances: Array<{ id: string, isOnline: boolean, attendedSeconds: number, role: AttendanceRole, firstJoinedAt: string, lastLeftAt: string | null, verdict: AttendanceVerdict, user: { id: string, name: string | null }, spans: Array<{ joinedAt: string, leftAt: string | null }>, media: { cameraSeconds: number, microphoneSeconds: number, screenShareSeconds: number }, engagement: { talkSeconds: number, chatMessages: number, raisedHands: number, pollVotes: number, reactions: number } | null }>, absentees: Array<{ id: string, name: string | null }>, recordings: Array<{ id: string, title: string, status: RecordingStatus, durationSeconds: number | null, playbackUrl: string | null, createdAt: string }> } | null };

export type PageAttendanceUpdatesSubscriptionVariables = Exact<{
  roomId: string;
  after?: string | null | undefined;
}>;


export type PageAttendanceUpdatesSubscription = { attendanceChanged: { cursor: string, kind: AttendanceChangeKind, session: { id: string, roomId: string, subject: string | null, isLive: boolean, startedAt: string | null, endedAt: string | null, endInferred: boolean, onlineCount: number }, attendance: { id: string, isOnline: boolean, attendedSeconds: number, role: AttendanceRole, firstJoinedAt: string, lastLeftAt: string | null, verdict: AttendanceVerdict, user: { id: string, name: string | null }, spans: Array<{ joinedAt: string, leftAt: string | null }>, media: { cameraSeconds: number, microphoneSeconds: number, screenShareSeconds: number }, engagement: { talkSeconds: number, chatMessages: number, raisedHands: number, pollVotes: number, reactions: number } | null } } };

export type PageSessionUpdatesSubscriptionVariables = Exact<{
  courseId?: string | number | null | undefined;
  after?: string | null | undefined;
}>;


export type PageSessionUpdatesSubscription = { liveSessionChanged: { cursor: string, kind: LiveSessionChangeKind, session: { id: string, roomId: string, subject: string | null, isLive: boolean, startedAt: string | null, endedAt: string | null, endInferred: boolean, onlineCount: number } } };

export type PageAttendanceCursorQueryVariables = Exact<{
  roomId: string;
}>;


export type PageAttendanceCursorQuery = { attendanceCursor: string };

export type PageSessionsCursorQueryVariables = Exact<{ [key: string]: never; }>;


export type PageSessionsCursorQuery = { liveSessionCursor: string };

export class TypedDocumentString<TResult, TVariables>
  extends String
  implements DocumentTypeDecoration<TResult, TVariables>
{
  __apiType?: NonNullable<DocumentTypeDecoration<TResult, TVariables>['__apiType']>;
  private value: string;
  public __meta__?: Record<string, any> | undefined;

  constructor(value: string, __meta__?: Record<string, any> | undefined) {
    super(value);
    this.value = value;
    this.__meta__ = __meta__;
  }

  override toString(): string & DocumentTypeDecoration<TResult, TVariables> {
    return this.value;
  }
}
export const SessionSummaryFragmentDoc = new TypedDocumentString(`
    fragment SessionSummary on LiveSession {
  id
  roomId
  subject
  isLive
  startedAt
  endedAt
  endInferred
  onlineCount
}
    `, {"fragmentName":"SessionSummary"}) as unknown as TypedDocumentString<SessionSummaryFragment, unknown>;
export const AttendanceRowFragmentDoc = new TypedDocumentString(`
    fragment AttendanceRow on Attendance {
  id
  isOnline
  attendedSeconds
  role
  firstJoinedAt
  lastLeftAt
  verdict
  user {
    id
    name
  }
  spans {
    joinedAt
    leftAt
  }
  media {
    cameraSeconds
    microphoneSeconds
    screenShareSeconds
  }
  engagement {
    talkSeconds
    chatMessages
    raisedHands
    pollVotes
    reactions
  }
}
    `, {"fragmentName":"AttendanceRow"}) as unknown as TypedDocumentString<AttendanceRowFragment, unknown>;
export const SessionDetailFragmentDoc = new TypedDocumentString(`
    fragment SessionDetail on LiveSession {
  ...SessionSummary
  course {
    id
    slug
    title
  }
  attendances {
    ...AttendanceRow
  }
  absentees {
    id
    name
  }
  recordings {
    id
    title
    status
    durationSeconds
    playbackUrl
    createdAt
  }
}
    fragment SessionSummary on LiveSession {
  id
  roomId
  subject
  isLive
  startedAt
  endedAt
  endInferred
  onlineCount
}
fragment AttendanceRow on Attendance {
  id
  isOnline
  attendedSeconds
  role
  firstJoinedAt
  lastLeftAt
  verdict
  user {
    id
    name
  }
  spans {
    joinedAt
    leftAt
  }
  media {
    cameraSeconds
    microphoneSeconds
    screenShareSeconds
  }
  engagement {
    talkSeconds
    chatMessages
    raisedHands
    pollVotes
    reactions
  }
}`, {"fragmentName":"SessionDetail"}) as unknown as TypedDocumentString<SessionDetailFragment, unknown>;
export const PageSignInDocument = new TypedDocumentString(`
    query PageSignIn {
  me {
    id
    name
  }
  courses {
    id
    slug
    title
  }
}
    `) as unknown as TypedDocumentString<PageSignInQuery, PageSignInQueryVariables>;
export const PageCourseSessionsDocument = new TypedDocumentString(`
    query PageCourseSessions($slug: String!) {
  course(slug: $slug) {
    id
    slug
    title
    liveSessions(first: 100) {
      ...SessionSummary
    }
  }
}
    fragment SessionSummary on LiveSession {
  id
  roomId
  subject
  isLive
  startedAt
  endedAt
  endInferred
  onlineCount
}`) as unknown as TypedDocumentString<PageCourseSessionsQuery, PageCourseSessionsQueryVariables>;
export const PageSessionByIdDocument = new TypedDocumentString(`
    query PageSessionById($id: ID!) {
  session(id: $id) {
    ...SessionDetail
  }
}
    fragment SessionSummary on LiveSession {
  id
  roomId
  subject
  isLive
  startedAt
  endedAt
  endInferred
  onlineCount
}
fragment AttendanceRow on Attendance {
  id
  isOnline
  attendedSeconds
  role
  firstJoinedAt
  lastLeftAt
  verdict
  user {
    id
    name
  }
  spans {
    joinedAt
    leftAt
  }
  media {
    cameraSeconds
    microphoneSeconds
    screenShareSeconds
  }
  engagement {
    talkSeconds
    chatMessages
    raisedHands
    pollVotes
    reactions
  }
}
fragment SessionDetail on LiveSession {
  ...SessionSummary
  course {
    id
    slug
    title
  }
  attendances {
    ...AttendanceRow
  }
  absentees {
    id
    name
  }
  recordings {
    id
    title
    status
    durationSeconds
    playbackUrl
    createdAt
  }
}`) as unknown as TypedDocumentString<PageSessionByIdQuery, PageSessionByIdQueryVariables>;
export const PageSessionRoomDocument = new TypedDocumentString(`
    query PageSessionRoom($id: ID!) {
  session(id: $id) {
    roomId
  }
}
    `) as unknown as TypedDocumentString<PageSessionRoomQuery, PageSessionRoomQueryVariables>;
export const PageRoomSessionDocument = new TypedDocumentString(`
    query PageRoomSession($roomId: String!) {
  liveSession(roomId: $roomId) {
    ...SessionDetail
  }
}
    fragment SessionSummary on LiveSession {
  id
  roomId
  subject
  isLive
  startedAt
  endedAt
  endInferred
  onlineCount
}
fragment AttendanceRow on Attendance {
  id
  isOnline
  attendedSeconds
  role
  firstJoinedAt
  lastLeftAt
  verdict
  user {
    id
    name
  }
  spans {
    joinedAt
    leftAt
  }
  media {
    cameraSeconds
    microphoneSeconds
    screenShareSeconds
  }
  engagement {
    talkSeconds
    chatMessages
    raisedHands
    pollVotes
    reactions
  }
}
fragment SessionDetail on LiveSession {
  ...SessionSummary
  course {
    id
    slug
    title
  }
  attendances {
    ...AttendanceRow
  }
  absentees {
    id
    name
  }
  recordings {
    id
    title
    status
    durationSeconds
    playbackUrl
    createdAt
  }
}`) as unknown as TypedDocumentString<PageRoomSessionQuery, PageRoomSessionQueryVariables>;
export const PageAttendanceUpdatesDocument = new TypedDocumentString(`
    subscription PageAttendanceUpdates($roomId: String!, $after: String) {
  attendanceChanged(roomId: $roomId, after: $after) {
    cursor
    kind
    session {
      ...SessionSummary
    }
    attendance {
      ...AttendanceRow
    }
  }
}
    fragment SessionSummary on LiveSession {
  id
  roomId
  subject
  isLive
  startedAt
  endedAt
  endInferred
  onlineCount
}
fragment AttendanceRow on Attendance {
  id
  isOnline
  attendedSeconds
  role
  firstJoinedAt
  lastLeftAt
  verdict
  user {
    id
    name
  }
  spans {
    joinedAt
    leftAt
  }
  media {
    cameraSeconds
    microphoneSeconds
    screenShareSeconds
  }
  engagement {
    talkSeconds
    chatMessages
    raisedHands
    pollVotes
    reactions
  }
}`) as unknown as TypedDocumentString<PageAttendanceUpdatesSubscription, PageAttendanceUpdatesSubscriptionVariables>;
export const PageSessionUpdatesDocument = new TypedDocumentString(`
    subscription PageSessionUpdates($courseId: ID, $after: String) {
  liveSessionChanged(courseId: $courseId, after: $after) {
    cursor
    kind
    session {
      ...SessionSummary
    }
  }
}
    fragment SessionSummary on LiveSession {
  id
  roomId
  subject
  isLive
  startedAt
  endedAt
  endInferred
  onlineCount
}`) as unknown as TypedDocumentString<PageSessionUpdatesSubscription, PageSessionUpdatesSubscriptionVariables>;
export const PageAttendanceCursorDocument = new TypedDocumentString(`
    query PageAttendanceCursor($roomId: String!) {
  attendanceCursor(roomId: $roomId)
}
    `) as unknown as TypedDocumentString<PageAttendanceCursorQuery, PageAttendanceCursorQueryVariables>;
export const PageSessionsCursorDocument = new TypedDocumentString(`
    query PageSessionsCursor {
  liveSessionCursor
}
    `) as unknown as TypedDocumentString<PageSessionsCursorQuery, PageSessionsCursorQueryVariables>;