// The operations the tests run, typed by GraphQL Code Generator (npm run codegen).
import { graphql } from '../graphql/index.ts';

export const LiveSessionQuery = graphql(`
  query LiveSession($roomId: String!) {
    liveSession(roomId: $roomId) {
      id
      roomId
      subject
      isLive
      startedAt
      endedAt
      endInferred
      onlineCount
      course { id slug title }
      onlineParticipants { user { id } }
      attendances {
        id
        role
        isOnline
        firstJoinedAt
        lastLeftAt
        attendedSeconds
        user { id name }
        spans { joinedAt leftAt }
      }
    }
  }
`);

export const LiveSessionsQuery = graphql(`
  query LiveSessions($courseId: ID) {
    liveSessions(courseId: $courseId) {
      id
      roomId
      isLive
      onlineCount
      course { slug }
      onlineParticipants { user { id name } role attendedSeconds }
      attendances { user { id } spans { joinedAt leftAt } }
    }
  }
`);

export const CourseQuery = graphql(`
  query Course($slug: String!, $first: Int, $after: ID) {
    course(slug: $slug) {
      id
      slug
      title
      managers { id name }
      liveSessions(first: $first, after: $after) { id roomId subject isLive }
    }
  }
`);

export const UpsertCourseMutation = graphql(`
  mutation UpsertCourse($slug: String!, $title: String!, $managerIds: [ID!]) {
    upsertCourse(slug: $slug, title: $title, managerIds: $managerIds) {
      id
      slug
      title
      managers { id name }
    }
  }
`);

export const ScheduleLiveSessionMutation = graphql(`
  mutation ScheduleLiveSession($courseSlug: String!, $roomId: String!, $subject: String) {
    scheduleLiveSession(courseSlug: $courseSlug, roomId: $roomId, subject: $subject) {
      id
      roomId
      subject
      isLive
      startedAt
      course { slug }
    }
  }
`);

export const AttendanceChangedSubscription = graphql(`
  subscription AttendanceChanged($roomId: String!) {
    attendanceChanged(roomId: $roomId) {
      kind
      attendance { id role isOnline user { id name } spans { joinedAt leftAt } }
      session { id roomId onlineCount course { slug } }
    }
  }
`);

export const MediaQuery = graphql(`
  query Media($roomId: String!) {
    liveSession(roomId: $roomId) {
      attendances {
        user { id }
        isOnline
        media { cameraSeconds microphoneSeconds screenShareSeconds }
        engagement { talkSeconds chatMessages raisedHands pollVotes reactions }
      }
    }
  }
`);

/** A dashboard that keeps its place: each change's cursor, and `after` to resume from one. */
export const ResumableAttendanceSubscription = graphql(`
  subscription ResumableAttendance($roomId: String!, $after: String) {
    attendanceChanged(roomId: $roomId, after: $after) {
      kind
      cursor
      attendance { user { id } }
    }
  }
`);

export const ResumableSessionsSubscription = graphql(`
  subscription ResumableSessions($courseId: ID, $after: String) {
    liveSessionChanged(courseId: $courseId, after: $after) {
      kind
      cursor
      session { roomId }
    }
  }
`);

export const LiveSessionChangedSubscription = graphql(`
  subscription LiveSessionChanged($courseId: ID) {
    liveSessionChanged(courseId: $courseId) {
      kind
      session { id roomId isLive startedAt endedAt endInferred course { id slug } }
    }
  }
`);

export const RecordingsQuery = graphql(`
  query Recordings($courseId: ID, $roomId: String, $first: Int, $after: String) {
    recordings(courseId: $courseId, roomId: $roomId, first: $first, after: $after) {
      id
      recordId
      title
      type
      status
      durationSeconds
      fileName
      fileSize
      sha256
      url
      thumbnailUrl
      createdAt
      readyAt
      error
      session { id roomId }
    }
  }
`);

export const RecordingChangedSubscription = graphql(`
  subscription RecordingChanged($courseId: ID, $roomId: String) {
    recordingChanged(courseId: $courseId, roomId: $roomId) {
      status
      recording { id recordId status type url }
    }
  }
`);

export const RetryRecordingMutation = graphql(`
  mutation RetryRecording($id: ID!) {
    retryRecording(id: $id) { id status error }
  }
`);

export const SessionRecordingsQuery = graphql(`
  query SessionRecordings($roomId: String!) {
    liveSession(roomId: $roomId) { id recordings { id recordId status } }
  }
`);

export const AttendanceCursorQuery = graphql(`
  query AttendanceCursor($roomId: String!) {
    attendanceCursor(roomId: $roomId)
  }
`);

export const AnalyticsImportQuery = graphql(`
  query AnalyticsImportOf($roomId: String!) {
    liveSession(roomId: $roomId) {
      analyticsImport { status error attempts importedAt }
    }
  }
`);
