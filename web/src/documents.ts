// Every operation the page sends. Typed by `npm run codegen` (web/src/graphql) from schema.graphql.
import { graphql } from './graphql/gql.ts';

export const SessionSummaryFragment = graphql(`
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
`);

export const AttendanceRowFragment = graphql(`
  fragment AttendanceRow on Attendance {
    id
    isOnline
    attendedSeconds
    role
    firstJoinedAt
    lastLeftAt
    verdict
    user { id name }
    spans { joinedAt leftAt }
    media { cameraSeconds microphoneSeconds screenShareSeconds }
    engagement { talkSeconds chatMessages raisedHands pollVotes reactions }
  }
`);

export const SessionDetailFragment = graphql(`
  fragment SessionDetail on LiveSession {
    ...SessionSummary
    course { id slug title }
    attendances { ...AttendanceRow }
    absentees { id name }
    recordings { id title status durationSeconds playbackUrl createdAt }
  }
`);

export const SignInQuery = graphql(`
  query PageSignIn {
    me { id name }
    courses { id slug title }
  }
`);

export const CourseSessionsQuery = graphql(`
  query PageCourseSessions($slug: String!) {
    course(slug: $slug) {
      id
      slug
      title
      liveSessions(first: 100) { ...SessionSummary }
    }
  }
`);

export const SessionByIdQuery = graphql(`
  query PageSessionById($id: ID!) {
    session(id: $id) { ...SessionDetail }
  }
`);

/** Only where a session is: its room's cursor must be read before the session itself. */
export const SessionRoomQuery = graphql(`
  query PageSessionRoom($id: ID!) {
    session(id: $id) { roomId }
  }
`);

export const RoomSessionQuery = graphql(`
  query PageRoomSession($roomId: String!) {
    liveSession(roomId: $roomId) { ...SessionDetail }
  }
`);

export const AttendanceUpdates = graphql(`
  subscription PageAttendanceUpdates($roomId: String!, $after: String) {
    attendanceChanged(roomId: $roomId, after: $after) {
      cursor
      kind
      session { ...SessionSummary }
      attendance { ...AttendanceRow }
    }
  }
`);

export const SessionUpdates = graphql(`
  subscription PageSessionUpdates($courseId: ID, $after: String) {
    liveSessionChanged(courseId: $courseId, after: $after) {
      cursor
      kind
      session { ...SessionSummary }
    }
  }
`);

export const AttendanceCursorQuery = graphql(`
  query PageAttendanceCursor($roomId: String!) {
    attendanceCursor(roomId: $roomId)
  }
`);

export const SessionsCursorQuery = graphql(`
  query PageSessionsCursor {
    liveSessionCursor
  }
`);
