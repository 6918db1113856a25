/* eslint-disable */
import * as types from './graphql.js';
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';

/**
 * Map of all GraphQL operations in the project.
 *
 * This map has several performance disadvantages:
 * 1. It is not tree-shakeable, so it will include all operations in the project.
 * 2. It is not minifiable, so the string of a GraphQL query will be multiple times inside the bundle.
 * 3. It does not support dead code elimination, so it will add unused operations.
 *
 * Therefore it is highly recommended to use the babel or swc plugin for production.
 * Learn more about it here: https://the-guild.dev/graphql/codegen/plugins/presets/preset-client#reducing-bundle-size
 */
type Documents = {
    "\n  query Scope {\n    liveSessions { roomId course { slug } }\n    courses { slug }\n  }\n": typeof types.ScopeDocument,
    "\n  query Room($roomId: String!) {\n    liveSession(roomId: $roomId) { roomId onlineCount attendances { role user { id } } }\n  }\n": typeof types.RoomDocument,
    "\n  query CourseForRole($slug: String!) {\n    course(slug: $slug) { slug title liveSessions { roomId } }\n  }\n": typeof types.CourseForRoleDocument,
    "\n  query Me {\n    me { id attendances { role isOnline session { roomId } } }\n  }\n": typeof types.MeDocument,
    "\n  mutation Rename($slug: String!, $title: String!) {\n    upsertCourse(slug: $slug, title: $title) { slug title }\n  }\n": typeof types.RenameDocument,
    "\n  mutation Schedule($courseSlug: String!, $roomId: String!) {\n    scheduleLiveSession(courseSlug: $courseSlug, roomId: $roomId) { id }\n  }\n": typeof types.ScheduleDocument,
    "\n  subscription Attendance($roomId: String!) {\n    attendanceChanged(roomId: $roomId) { kind attendance { user { id } } session { roomId course { slug } } }\n  }\n": typeof types.AttendanceDocument,
    "\n  subscription Sessions($courseId: ID) {\n    liveSessionChanged(courseId: $courseId) { kind session { roomId course { slug } } }\n  }\n": typeof types.SessionsDocument,
    "\n  query Dashboard {\n    liveSessions {\n      id roomId subject isLive startedAt onlineCount\n      course { id slug title }\n      onlineParticipants { role firstJoinedAt attendedSeconds user { id name } }\n      attendances { role isOnline attendedSeconds user { id name } spans { joinedAt leftAt } }\n    }\n  }\n": typeof types.DashboardDocument,
    "\n  query CourseAnswers($slug: String!, $from: DateTime, $to: DateTime) {\n    course(slug: $slug) {\n      id\n      slug\n      policy { minAttendedPercent lateAfterMinutes leftEarlyMinutes }\n      roster { id name }\n      report(from: $from, to: $to) {\n        user { id name }\n        sessions\n        present\n        late\n        leftEarly\n        absent\n        attendedSeconds\n        attendedPercent\n      }\n    }\n  }\n": typeof types.CourseAnswersDocument,
    "\n  query SessionVerdicts($roomId: String!) {\n    liveSession(roomId: $roomId) {\n      id\n      isLive\n      startedAt\n      endedAt\n      absentees { id name }\n      attendances { user { id name } role verdict attendedSeconds firstJoinedAt lastLeftAt }\n    }\n  }\n": typeof types.SessionVerdictsDocument,
    "\n  query CourseSessionsVerdicts($courseId: ID) {\n    liveSessions(courseId: $courseId) {\n      id\n      absentees { id }\n      attendances { user { id } verdict }\n      course { roster { id } policy { minAttendedPercent } }\n    }\n  }\n": typeof types.CourseSessionsVerdictsDocument,
    "\n  mutation Enrol($courseSlug: String!, $userIds: [ID!]!) {\n    enrol(courseSlug: $courseSlug, userIds: $userIds) { slug roster { id name } }\n  }\n": typeof types.EnrolDocument,
    "\n  mutation Unenrol($courseSlug: String!, $userIds: [ID!]!) {\n    unenrol(courseSlug: $courseSlug, userIds: $userIds) { slug roster { id name } }\n  }\n": typeof types.UnenrolDocument,
    "\n  mutation SetAttendancePolicy($courseSlug: String!, $minAttendedPercent: Int, $lateAfterMinutes: Int, $leftEarlyMinutes: Int) {\n    setAttendancePolicy(\n      courseSlug: $courseSlug\n      minAttendedPercent: $minAttendedPercent\n      lateAfterMinutes: $lateAfterMinutes\n      leftEarlyMinutes: $leftEarlyMinutes\n    ) {\n      slug\n      policy { minAttendedPercent lateAfterMinutes leftEarlyMinutes }\n    }\n  }\n": typeof types.SetAttendancePolicyDocument,
    "\n  subscription SessionAnswers($courseId: ID) {\n    liveSessionChanged(courseId: $courseId) {\n      kind\n      session { id roomId absentees { id } attendances { user { id } verdict } }\n    }\n  }\n": typeof types.SessionAnswersDocument,
    "\n  query CoursesReport($from: DateTime) {\n    courses { slug report(from: $from) { user { id name } absent attendedPercent } }\n  }\n": typeof types.CoursesReportDocument,
    "\n  query LiveSession($roomId: String!) {\n    liveSession(roomId: $roomId) {\n      id\n      roomId\n      subject\n      isLive\n      startedAt\n      endedAt\n      endInferred\n      onlineCount\n      course { id slug title }\n      onlineParticipants { user { id } }\n      attendances {\n        id\n        role\n        isOnline\n        firstJoinedAt\n        lastLeftAt\n        attendedSeconds\n        user { id name }\n        spans { joinedAt leftAt }\n      }\n    }\n  }\n": typeof types.LiveSessionDocument,
    "\n  query LiveSessions($courseId: ID) {\n    liveSessions(courseId: $courseId) {\n      id\n      roomId\n      isLive\n      onlineCount\n      course { slug }\n      onlineParticipants { user { id name } role attendedSeconds }\n      attendances { user { id } spans { joinedAt leftAt } }\n    }\n  }\n": typeof types.LiveSessionsDocument,
    "\n  query Course($slug: String!, $first: Int, $after: ID) {\n    course(slug: $slug) {\n      id\n      slug\n      title\n      managers { id name }\n      liveSessions(first: $first, after: $after) { id roomId subject isLive }\n    }\n  }\n": typeof types.CourseDocument,
    "\n  mutation UpsertCourse($slug: String!, $title: String!, $managerIds: [ID!]) {\n    upsertCourse(slug: $slug, title: $title, managerIds: $managerIds) {\n      id\n      slug\n      title\n      managers { id name }\n    }\n  }\n": typeof types.UpsertCourseDocument,
    "\n  mutation ScheduleLiveSession($courseSlug: String!, $roomId: String!, $subject: String) {\n    scheduleLiveSession(courseSlug: $courseSlug, roomId: $roomId, subject: $subject) {\n      id\n      roomId\n      subject\n      isLive\n      startedAt\n      course { slug }\n    }\n  }\n": typeof types.ScheduleLiveSessionDocument,
    "\n  subscription AttendanceChanged($roomId: String!) {\n    attendanceChanged(roomId: $roomId) {\n      kind\n      attendance { id role isOnline user { id name } spans { joinedAt leftAt } }\n      session { id roomId onlineCount course { slug } }\n    }\n  }\n": typeof types.AttendanceChangedDocument,
    "\n  query Media($roomId: String!) {\n    liveSession(roomId: $roomId) {\n      attendances {\n        user { id }\n        isOnline\n        media { cameraSeconds microphoneSeconds screenShareSeconds }\n        engagement { talkSeconds chatMessages raisedHands pollVotes reactions }\n      }\n    }\n  }\n": typeof types.MediaDocument,
    "\n  subscription ResumableAttendance($roomId: String!, $after: String) {\n    attendanceChanged(roomId: $roomId, after: $after) {\n      kind\n      cursor\n      attendance { user { id } }\n    }\n  }\n": typeof types.ResumableAttendanceDocument,
    "\n  subscription ResumableSessions($courseId: ID, $after: String) {\n    liveSessionChanged(courseId: $courseId, after: $after) {\n      kind\n      cursor\n      session { roomId }\n    }\n  }\n": typeof types.ResumableSessionsDocument,
    "\n  subscription LiveSessionChanged($courseId: ID) {\n    liveSessionChanged(courseId: $courseId) {\n      kind\n      session { id roomId isLive startedAt endedAt endInferred course { id slug } }\n    }\n  }\n": typeof types.LiveSessionChangedDocument,
    "\n  query Recordings($courseId: ID, $roomId: String, $first: Int, $after: String) {\n    recordings(courseId: $courseId, roomId: $roomId, first: $first, after: $after) {\n      id\n      recordId\n      title\n      type\n      status\n      durationSeconds\n      fileName\n      fileSize\n      sha256\n      url\n      thumbnailUrl\n      createdAt\n      readyAt\n      error\n      session { id roomId }\n    }\n  }\n": typeof types.RecordingsDocument,
    "\n  subscription RecordingChanged($courseId: ID, $roomId: String) {\n    recordingChanged(courseId: $courseId, roomId: $roomId) {\n      status\n      recording { id recordId status type url }\n    }\n  }\n": typeof types.RecordingChangedDocument,
    "\n  mutation RetryRecording($id: ID!) {\n    retryRecording(id: $id) { id status error }\n  }\n": typeof types.RetryRecordingDocument,
    "\n  query SessionRecordings($roomId: String!) {\n    liveSession(roomId: $roomId) { id recordings { id recordId status } }\n  }\n": typeof types.SessionRecordingsDocument,
    "\n  query AttendanceCursor($roomId: String!) {\n    attendanceCursor(roomId: $roomId)\n  }\n": typeof types.AttendanceCursorDocument,
    "\n  query AnalyticsImportOf($roomId: String!) {\n    liveSession(roomId: $roomId) {\n      analyticsImport { status error attempts importedAt }\n    }\n  }\n": typeof types.AnalyticsImportOfDocument,
    "\n  query WebhookEvents($status: WebhookEventStatus, $name: String, $roomId: String, $since: DateTime, $until: DateTime, $first: Int, $after: String) {\n    webhookEvents(status: $status, name: $name, roomId: $roomId, since: $since, until: $until, first: $first, after: $after) {\n      id\n      name\n      roomId\n      status\n      error\n      attempts\n      receivedAt\n      appliedAt\n      body\n    }\n  }\n": typeof types.WebhookEventsDocument,
    "\n  mutation ReplayWebhookEvent($id: ID!) {\n    replayWebhookEvent(id: $id) {\n      replayed\n      message\n      event { id status attempts error appliedAt }\n    }\n  }\n": typeof types.ReplayWebhookEventDocument,
    "\n  mutation EraseUser($id: ID!) {\n    eraseUser(id: $id) { id requestedBy requestedAt completedAt attendancesDeleted rowsRedacted }\n  }\n": typeof types.EraseUserDocument,
    "\n  query UserErasures($first: Int) {\n    userErasures(first: $first) { id requestedBy completedAt attendancesDeleted rowsRedacted }\n  }\n": typeof types.UserErasuresDocument,
};
const documents: Documents = {
    "\n  query Scope {\n    liveSessions { roomId course { slug } }\n    courses { slug }\n  }\n": types.ScopeDocument,
    "\n  query Room($roomId: String!) {\n    liveSession(roomId: $roomId) { roomId onlineCount attendances { role user { id } } }\n  }\n": types.RoomDocument,
    "\n  query CourseForRole($slug: String!) {\n    course(slug: $slug) { slug title liveSessions { roomId } }\n  }\n": types.CourseForRoleDocument,
    "\n  query Me {\n    me { id attendances { role isOnline session { roomId } } }\n  }\n": types.MeDocument,
    "\n  mutation Rename($slug: String!, $title: String!) {\n    upsertCourse(slug: $slug, title: $title) { slug title }\n  }\n": types.RenameDocument,
    "\n  mutation Schedule($courseSlug: String!, $roomId: String!) {\n    scheduleLiveSession(courseSlug: $courseSlug, roomId: $roomId) { id }\n  }\n": types.ScheduleDocument,
    "\n  subscription Attendance($roomId: String!) {\n    attendanceChanged(roomId: $roomId) { kind attendance { user { id } } session { roomId course { slug } } }\n  }\n": types.AttendanceDocument,
    "\n  subscription Sessions($courseId: ID) {\n    liveSessionChanged(courseId: $courseId) { kind session { roomId course { slug } } }\n  }\n": types.SessionsDocument,
    "\n  query Dashboard {\n    liveSessions {\n      id roomId subject isLive startedAt onlineCount\n      course { id slug title }\n      onlineParticipants { role firstJoinedAt attendedSeconds user { id name } }\n      attendances { role isOnline attendedSeconds user { id name } spans { joinedAt leftAt } }\n    }\n  }\n": types.DashboardDocument,
    "\n  query CourseAnswers($slug: String!, $from: DateTime, $to: DateTime) {\n    course(slug: $slug) {\n      id\n      slug\n      policy { minAttendedPercent lateAfterMinutes leftEarlyMinutes }\n      roster { id name }\n      report(from: $from, to: $to) {\n        user { id name }\n        sessions\n        present\n        late\n        leftEarly\n        absent\n        attendedSeconds\n        attendedPercent\n      }\n    }\n  }\n": types.CourseAnswersDocument,
    "\n  query SessionVerdicts($roomId: String!) {\n    liveSession(roomId: $roomId) {\n      id\n      isLive\n      startedAt\n      endedAt\n      absentees { id name }\n      attendances { user { id name } role verdict attendedSeconds firstJoinedAt lastLeftAt }\n    }\n  }\n": types.SessionVerdictsDocument,
    "\n  query CourseSessionsVerdicts($courseId: ID) {\n    liveSessions(courseId: $courseId) {\n      id\n      absentees { id }\n      attendances { user { id } verdict }\n      course { roster { id } policy { minAttendedPercent } }\n    }\n  }\n": types.CourseSessionsVerdictsDocument,
    "\n  mutation Enrol($courseSlug: String!, $userIds: [ID!]!) {\n    enrol(courseSlug: $courseSlug, userIds: $userIds) { slug roster { id name } }\n  }\n": types.EnrolDocument,
    "\n  mutation Unenrol($courseSlug: String!, $userIds: [ID!]!) {\n    unenrol(courseSlug: $courseSlug, userIds: $userIds) { slug roster { id name } }\n  }\n": types.UnenrolDocument,
    "\n  mutation SetAttendancePolicy($courseSlug: String!, $minAttendedPercent: Int, $lateAfterMinutes: Int, $leftEarlyMinutes: Int) {\n    setAttendancePolicy(\n      courseSlug: $courseSlug\n      minAttendedPercent: $minAttendedPercent\n      lateAfterMinutes: $lateAfterMinutes\n      leftEarlyMinutes: $leftEarlyMinutes\n    ) {\n      slug\n      policy { minAttendedPercent lateAfterMinutes leftEarlyMinutes }\n    }\n  }\n": types.SetAttendancePolicyDocument,
    "\n  subscription SessionAnswers($courseId: ID) {\n    liveSessionChanged(courseId: $courseId) {\n      kind\n      session { id roomId absentees { id } attendances { user { id } verdict } }\n    }\n  }\n": types.SessionAnswersDocument,
    "\n  query CoursesReport($from: DateTime) {\n    courses { slug report(from: $from) { user { id name } absent attendedPercent } }\n  }\n": types.CoursesReportDocument,
    "\n  query LiveSession($roomId: String!) {\n    liveSession(roomId: $roomId) {\n      id\n      roomId\n      subject\n      isLive\n      startedAt\n      endedAt\n      endInferred\n      onlineCount\n      course { id slug title }\n      onlineParticipants { user { id } }\n      attendances {\n        id\n        role\n        isOnline\n        firstJoinedAt\n        lastLeftAt\n        attendedSeconds\n        user { id name }\n        spans { joinedAt leftAt }\n      }\n    }\n  }\n": types.LiveSessionDocument,
    "\n  query LiveSessions($courseId: ID) {\n    liveSessions(courseId: $courseId) {\n      id\n      roomId\n      isLive\n      onlineCount\n      course { slug }\n      onlineParticipants { user { id name } role attendedSeconds }\n      attendances { user { id } spans { joinedAt leftAt } }\n    }\n  }\n": types.LiveSessionsDocument,
    "\n  query Course($slug: String!, $first: Int, $after: ID) {\n    course(slug: $slug) {\n      id\n      slug\n      title\n      managers { id name }\n      liveSessions(first: $first, after: $after) { id roomId subject isLive }\n    }\n  }\n": types.CourseDocument,
    "\n  mutation UpsertCourse($slug: String!, $title: String!, $managerIds: [ID!]) {\n    upsertCourse(slug: $slug, title: $title, managerIds: $managerIds) {\n      id\n      slug\n      title\n      managers { id name }\n    }\n  }\n": types.UpsertCourseDocument,
    "\n  mutation ScheduleLiveSession($courseSlug: String!, $roomId: String!, $subject: String) {\n    scheduleLiveSession(courseSlug: $courseSlug, roomId: $roomId, subject: $subject) {\n      id\n      roomId\n      subject\n      isLive\n      startedAt\n      course { slug }\n    }\n  }\n": types.ScheduleLiveSessionDocument,
    "\n  subscription AttendanceChanged($roomId: String!) {\n    attendanceChanged(roomId: $roomId) {\n      kind\n      attendance { id role isOnline user { id name } spans { joinedAt leftAt } }\n      session { id roomId onlineCount course { slug } }\n    }\n  }\n": types.AttendanceChangedDocument,
    "\n  query Media($roomId: String!) {\n    liveSession(roomId: $roomId) {\n      attendances {\n        user { id }\n        isOnline\n        media { cameraSeconds microphoneSeconds screenShareSeconds }\n        engagement { talkSeconds chatMessages raisedHands pollVotes reactions }\n      }\n    }\n  }\n": types.MediaDocument,
    "\n  subscription ResumableAttendance($roomId: String!, $after: String) {\n    attendanceChanged(roomId: $roomId, after: $after) {\n      kind\n      cursor\n      attendance { user { id } }\n    }\n  }\n": types.ResumableAttendanceDocument,
    "\n  subscription ResumableSessions($courseId: ID, $after: String) {\n    liveSessionChanged(courseId: $courseId, after: $after) {\n      kind\n      cursor\n      session { roomId }\n    }\n  }\n": types.ResumableSessionsDocument,
    "\n  subscription LiveSessionChanged($courseId: ID) {\n    liveSessionChanged(courseId: $courseId) {\n      kind\n      session { id roomId isLive startedAt endedAt endInferred course { id slug } }\n    }\n  }\n": types.LiveSessionChangedDocument,
    "\n  query Recordings($courseId: ID, $roomId: String, $first: Int, $after: String) {\n    recordings(courseId: $courseId, roomId: $roomId, first: $first, after: $after) {\n      id\n      recordId\n      title\n      type\n      status\n      durationSeconds\n      fileName\n      fileSize\n      sha256\n      url\n      thumbnailUrl\n      createdAt\n      readyAt\n      error\n      session { id roomId }\n    }\n  }\n": types.RecordingsDocument,
    "\n  subscription RecordingChanged($courseId: ID, $roomId: String) {\n    recordingChanged(courseId: $courseId, roomId: $roomId) {\n      status\n      recording { id recordId status type url }\n    }\n  }\n": types.RecordingChangedDocument,
    "\n  mutation RetryRecording($id: ID!) {\n    retryRecording(id: $id) { id status error }\n  }\n": types.RetryRecordingDocument,
    "\n  query SessionRecordings($roomId: String!) {\n    liveSession(roomId: $roomId) { id recordings { id recordId status } }\n  }\n": types.SessionRecordingsDocument,
    "\n  query AttendanceCursor($roomId: String!) {\n    attendanceCursor(roomId: $roomId)\n  }\n": types.AttendanceCursorDocument,
    "\n  query AnalyticsImportOf($roomId: String!) {\n    liveSession(roomId: $roomId) {\n      analyticsImport { status error attempts importedAt }\n    }\n  }\n": types.AnalyticsImportOfDocument,
    "\n  query WebhookEvents($status: WebhookEventStatus, $name: String, $roomId: String, $since: DateTime, $until: DateTime, $first: Int, $after: String) {\n    webhookEvents(status: $status, name: $name, roomId: $roomId, since: $since, until: $until, first: $first, after: $after) {\n      id\n      name\n      roomId\n      status\n      error\n      attempts\n      receivedAt\n      appliedAt\n      body\n    }\n  }\n": types.WebhookEventsDocument,
    "\n  mutation ReplayWebhookEvent($id: ID!) {\n    replayWebhookEvent(id: $id) {\n      replayed\n      message\n      event { id status attempts error appliedAt }\n    }\n  }\n": types.ReplayWebhookEventDocument,
    "\n  mutation EraseUser($id: ID!) {\n    eraseUser(id: $id) { id requestedBy requestedAt completedAt attendancesDeleted rowsRedacted }\n  }\n": types.EraseUserDocument,
    "\n  query UserErasures($first: Int) {\n    userErasures(first: $first) { id requestedBy completedAt attendancesDeleted rowsRedacted }\n  }\n": types.UserErasuresDocument,
};

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 *
 *
 * @example
 * ```ts
 * const query = graphql(`query GetUser($id: ID!) { user(id: $id) { name } }`);
 * ```
 *
 * The query argument is unknown!
 * Please regenerate the types.
 */
export function graphql(source: string): unknown;

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Scope {\n    liveSessions { roomId course { slug } }\n    courses { slug }\n  }\n"): (typeof documents)["\n  query Scope {\n    liveSessions { roomId course { slug } }\n    courses { slug }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Room($roomId: String!) {\n    liveSession(roomId: $roomId) { roomId onlineCount attendances { role user { id } } }\n  }\n"): (typeof documents)["\n  query Room($roomId: String!) {\n    liveSession(roomId: $roomId) { roomId onlineCount attendances { role user { id } } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query CourseForRole($slug: String!) {\n    course(slug: $slug) { slug title liveSessions { roomId } }\n  }\n"): (typeof documents)["\n  query CourseForRole($slug: String!) {\n    course(slug: $slug) { slug title liveSessions { roomId } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Me {\n    me { id attendances { role isOnline session { roomId } } }\n  }\n"): (typeof documents)["\n  query Me {\n    me { id attendances { role isOnline session { roomId } } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation Rename($slug: String!, $title: String!) {\n    upsertCourse(slug: $slug, title: $title) { slug title }\n  }\n"): (typeof documents)["\n  mutation Rename($slug: String!, $title: String!) {\n    upsertCourse(slug: $slug, title: $title) { slug title }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation Schedule($courseSlug: String!, $roomId: String!) {\n    scheduleLiveSession(courseSlug: $courseSlug, roomId: $roomId) { id }\n  }\n"): (typeof documents)["\n  mutation Schedule($courseSlug: String!, $roomId: String!) {\n    scheduleLiveSession(courseSlug: $courseSlug, roomId: $roomId) { id }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription Attendance($roomId: String!) {\n    attendanceChanged(roomId: $roomId) { kind attendance { user { id } } session { roomId course { slug } } }\n  }\n"): (typeof documents)["\n  subscription Attendance($roomId: String!) {\n    attendanceChanged(roomId: $roomId) { kind attendance { user { id } } session { roomId course { slug } } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription Sessions($courseId: ID) {\n    liveSessionChanged(courseId: $courseId) { kind session { roomId course { slug } } }\n  }\n"): (typeof documents)["\n  subscription Sessions($courseId: ID) {\n    liveSessionChanged(courseId: $courseId) { kind session { roomId course { slug } } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Dashboard {\n    liveSessions {\n      id roomId subject isLive startedAt onlineCount\n      course { id slug title }\n      onlineParticipants { role firstJoinedAt attendedSeconds user { id name } }\n      attendances { role isOnline attendedSeconds user { id name } spans { joinedAt leftAt } }\n    }\n  }\n"): (typeof documents)["\n  query Dashboard {\n    liveSessions {\n      id roomId subject isLive startedAt onlineCount\n      course { id slug title }\n      onlineParticipants { role firstJoinedAt attendedSeconds user { id name } }\n      attendances { role isOnline attendedSeconds user { id name } spans { joinedAt leftAt } }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query CourseAnswers($slug: String!, $from: DateTime, $to: DateTime) {\n    course(slug: $slug) {\n      id\n      slug\n      policy { minAttendedPercent lateAfterMinutes leftEarlyMinutes }\n      roster { id name }\n      report(from: $from, to: $to) {\n        user { id name }\n        sessions\n        present\n        late\n        leftEarly\n        absent\n        attendedSeconds\n        attendedPercent\n      }\n    }\n  }\n"): (typeof documents)["\n  query CourseAnswers($slug: String!, $from: DateTime, $to: DateTime) {\n    course(slug: $slug) {\n      id\n      slug\n      policy { minAttendedPercent lateAfterMinutes leftEarlyMinutes }\n      roster { id name }\n      report(from: $from, to: $to) {\n        user { id name }\n        sessions\n        present\n        late\n        leftEarly\n        absent\n        attendedSeconds\n        attendedPercent\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query SessionVerdicts($roomId: String!) {\n    liveSession(roomId: $roomId) {\n      id\n      isLive\n      startedAt\n      endedAt\n      absentees { id name }\n      attendances { user { id name } role verdict attendedSeconds firstJoinedAt lastLeftAt }\n    }\n  }\n"): (typeof documents)["\n  query SessionVerdicts($roomId: String!) {\n    liveSession(roomId: $roomId) {\n      id\n      isLive\n      startedAt\n      endedAt\n      absentees { id name }\n      attendances { user { id name } role verdict attendedSeconds firstJoinedAt lastLeftAt }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query CourseSessionsVerdicts($courseId: ID) {\n    liveSessions(courseId: $courseId) {\n      id\n      absentees { id }\n      attendances { user { id } verdict }\n      course { roster { id } policy { minAttendedPercent } }\n    }\n  }\n"): (typeof documents)["\n  query CourseSessionsVerdicts($courseId: ID) {\n    liveSessions(courseId: $courseId) {\n      id\n      absentees { id }\n      attendances { user { id } verdict }\n      course { roster { id } policy { minAttendedPercent } }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation Enrol($courseSlug: String!, $userIds: [ID!]!) {\n    enrol(courseSlug: $courseSlug, userIds: $userIds) { slug roster { id name } }\n  }\n"): (typeof documents)["\n  mutation Enrol($courseSlug: String!, $userIds: [ID!]!) {\n    enrol(courseSlug: $courseSlug, userIds: $userIds) { slug roster { id name } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation Unenrol($courseSlug: String!, $userIds: [ID!]!) {\n    unenrol(courseSlug: $courseSlug, userIds: $userIds) { slug roster { id name } }\n  }\n"): (typeof documents)["\n  mutation Unenrol($courseSlug: String!, $userIds: [ID!]!) {\n    unenrol(courseSlug: $courseSlug, userIds: $userIds) { slug roster { id name } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation SetAttendancePolicy($courseSlug: String!, $minAttendedPercent: Int, $lateAfterMinutes: Int, $leftEarlyMinutes: Int) {\n    setAttendancePolicy(\n      courseSlug: $courseSlug\n      minAttendedPercent: $minAttendedPercent\n      lateAfterMinutes: $lateAfterMinutes\n      leftEarlyMinutes: $leftEarlyMinutes\n    ) {\n      slug\n      policy { minAttendedPercent lateAfterMinutes leftEarlyMinutes }\n    }\n  }\n"): (typeof documents)["\n  mutation SetAttendancePolicy($courseSlug: String!, $minAttendedPercent: Int, $lateAfterMinutes: Int, $leftEarlyMinutes: Int) {\n    setAttendancePolicy(\n      courseSlug: $courseSlug\n      minAttendedPercent: $minAttendedPercent\n      lateAfterMinutes: $lateAfterMinutes\n      leftEarlyMinutes: $leftEarlyMinutes\n    ) {\n      slug\n      policy { minAttendedPercent lateAfterMinutes leftEarlyMinutes }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription SessionAnswers($courseId: ID) {\n    liveSessionChanged(courseId: $courseId) {\n      kind\n      session { id roomId absentees { id } attendances { user { id } verdict } }\n    }\n  }\n"): (typeof documents)["\n  subscription SessionAnswers($courseId: ID) {\n    liveSessionChanged(courseId: $courseId) {\n      kind\n      session { id roomId absentees { id } attendances { user { id } verdict } }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query CoursesReport($from: DateTime) {\n    courses { slug report(from: $from) { user { id name } absent attendedPercent } }\n  }\n"): (typeof documents)["\n  query CoursesReport($from: DateTime) {\n    courses { slug report(from: $from) { user { id name } absent attendedPercent } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query LiveSession($roomId: String!) {\n    liveSession(roomId: $roomId) {\n      id\n      roomId\n      subject\n      isLive\n      startedAt\n      endedAt\n      endInferred\n      onlineCount\n      course { id slug title }\n      onlineParticipants { user { id } }\n      attendances {\n        id\n        role\n        isOnline\n        firstJoinedAt\n        lastLeftAt\n        attendedSeconds\n        user { id name }\n        spans { joinedAt leftAt }\n      }\n    }\n  }\n"): (typeof documents)["\n  query LiveSession($roomId: String!) {\n    liveSession(roomId: $roomId) {\n      id\n      roomId\n      subject\n      isLive\n      startedAt\n      endedAt\n      endInferred\n      onlineCount\n      course { id slug title }\n      onlineParticipants { user { id } }\n      attendances {\n        id\n        role\n        isOnline\n        firstJoinedAt\n        lastLeftAt\n        attendedSeconds\n        user { id name }\n        spans { joinedAt leftAt }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query LiveSessions($courseId: ID) {\n    liveSessions(courseId: $courseId) {\n      id\n      roomId\n      isLive\n      onlineCount\n      course { slug }\n      onlineParticipants { user { id name } role attendedSeconds }\n      attendances { user { id } spans { joinedAt leftAt } }\n    }\n  }\n"): (typeof documents)["\n  query LiveSessions($courseId: ID) {\n    liveSessions(courseId: $courseId) {\n      id\n      roomId\n      isLive\n      onlineCount\n      course { slug }\n      onlineParticipants { user { id name } role attendedSeconds }\n      attendances { user { id } spans { joinedAt leftAt } }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Course($slug: String!, $first: Int, $after: ID) {\n    course(slug: $slug) {\n      id\n      slug\n      title\n      managers { id name }\n      liveSessions(first: $first, after: $after) { id roomId subject isLive }\n    }\n  }\n"): (typeof documents)["\n  query Course($slug: String!, $first: Int, $after: ID) {\n    course(slug: $slug) {\n      id\n      slug\n      title\n      managers { id name }\n      liveSessions(first: $first, after: $after) { id roomId subject isLive }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation UpsertCourse($slug: String!, $title: String!, $managerIds: [ID!]) {\n    upsertCourse(slug: $slug, title: $title, managerIds: $managerIds) {\n      id\n      slug\n      title\n      managers { id name }\n    }\n  }\n"): (typeof documents)["\n  mutation UpsertCourse($slug: String!, $title: String!, $managerIds: [ID!]) {\n    upsertCourse(slug: $slug, title: $title, managerIds: $managerIds) {\n      id\n      slug\n      title\n      managers { id name }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ScheduleLiveSession($courseSlug: String!, $roomId: String!, $subject: String) {\n    scheduleLiveSession(courseSlug: $courseSlug, roomId: $roomId, subject: $subject) {\n      id\n      roomId\n      subject\n      isLive\n      startedAt\n      course { slug }\n    }\n  }\n"): (typeof documents)["\n  mutation ScheduleLiveSession($courseSlug: String!, $roomId: String!, $subject: String) {\n    scheduleLiveSession(courseSlug: $courseSlug, roomId: $roomId, subject: $subject) {\n      id\n      roomId\n      subject\n      isLive\n      startedAt\n      course { slug }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription AttendanceChanged($roomId: String!) {\n    attendanceChanged(roomId: $roomId) {\n      kind\n      attendance { id role isOnline user { id name } spans { joinedAt leftAt } }\n      session { id roomId onlineCount course { slug } }\n    }\n  }\n"): (typeof documents)["\n  subscription AttendanceChanged($roomId: String!) {\n    attendanceChanged(roomId: $roomId) {\n      kind\n      attendance { id role isOnline user { id name } spans { joinedAt leftAt } }\n      session { id roomId onlineCount course { slug } }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Media($roomId: String!) {\n    liveSession(roomId: $roomId) {\n      attendances {\n        user { id }\n        isOnline\n        media { cameraSeconds microphoneSeconds screenShareSeconds }\n        engagement { talkSeconds chatMessages raisedHands pollVotes reactions }\n      }\n    }\n  }\n"): (typeof documents)["\n  query Media($roomId: String!) {\n    liveSession(roomId: $roomId) {\n      attendances {\n        user { id }\n        isOnline\n        media { cameraSeconds microphoneSeconds screenShareSeconds }\n        engagement { talkSeconds chatMessages raisedHands pollVotes reactions }\n      }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription ResumableAttendance($roomId: String!, $after: String) {\n    attendanceChanged(roomId: $roomId, after: $after) {\n      kind\n      cursor\n      attendance { user { id } }\n    }\n  }\n"): (typeof documents)["\n  subscription ResumableAttendance($roomId: String!, $after: String) {\n    attendanceChanged(roomId: $roomId, after: $after) {\n      kind\n      cursor\n      attendance { user { id } }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription ResumableSessions($courseId: ID, $after: String) {\n    liveSessionChanged(courseId: $courseId, after: $after) {\n      kind\n      cursor\n      session { roomId }\n    }\n  }\n"): (typeof documents)["\n  subscription ResumableSessions($courseId: ID, $after: String) {\n    liveSessionChanged(courseId: $courseId, after: $after) {\n      kind\n      cursor\n      session { roomId }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription LiveSessionChanged($courseId: ID) {\n    liveSessionChanged(courseId: $courseId) {\n      kind\n      session { id roomId isLive startedAt endedAt endInferred course { id slug } }\n    }\n  }\n"): (typeof documents)["\n  subscription LiveSessionChanged($courseId: ID) {\n    liveSessionChanged(courseId: $courseId) {\n      kind\n      session { id roomId isLive startedAt endedAt endInferred course { id slug } }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Recordings($courseId: ID, $roomId: String, $first: Int, $after: String) {\n    recordings(courseId: $courseId, roomId: $roomId, first: $first, after: $after) {\n      id\n      recordId\n      title\n      type\n      status\n      durationSeconds\n      fileName\n      fileSize\n      sha256\n      url\n      thumbnailUrl\n      createdAt\n      readyAt\n      error\n      session { id roomId }\n    }\n  }\n"): (typeof documents)["\n  query Recordings($courseId: ID, $roomId: String, $first: Int, $after: String) {\n    recordings(courseId: $courseId, roomId: $roomId, first: $first, after: $after) {\n      id\n      recordId\n      title\n      type\n      status\n      durationSeconds\n      fileName\n      fileSize\n      sha256\n      url\n      thumbnailUrl\n      createdAt\n      readyAt\n      error\n      session { id roomId }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription RecordingChanged($courseId: ID, $roomId: String) {\n    recordingChanged(courseId: $courseId, roomId: $roomId) {\n      status\n      recording { id recordId status type url }\n    }\n  }\n"): (typeof documents)["\n  subscription RecordingChanged($courseId: ID, $roomId: String) {\n    recordingChanged(courseId: $courseId, roomId: $roomId) {\n      status\n      recording { id recordId status type url }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RetryRecording($id: ID!) {\n    retryRecording(id: $id) { id status error }\n  }\n"): (typeof documents)["\n  mutation RetryRecording($id: ID!) {\n    retryRecording(id: $id) { id status error }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query SessionRecordings($roomId: String!) {\n    liveSession(roomId: $roomId) { id recordings { id recordId status } }\n  }\n"): (typeof documents)["\n  query SessionRecordings($roomId: String!) {\n    liveSession(roomId: $roomId) { id recordings { id recordId status } }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query AttendanceCursor($roomId: String!) {\n    attendanceCursor(roomId: $roomId)\n  }\n"): (typeof documents)["\n  query AttendanceCursor($roomId: String!) {\n    attendanceCursor(roomId: $roomId)\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query AnalyticsImportOf($roomId: String!) {\n    liveSession(roomId: $roomId) {\n      analyticsImport { status error attempts importedAt }\n    }\n  }\n"): (typeof documents)["\n  query AnalyticsImportOf($roomId: String!) {\n    liveSession(roomId: $roomId) {\n      analyticsImport { status error attempts importedAt }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query WebhookEvents($status: WebhookEventStatus, $name: String, $roomId: String, $since: DateTime, $until: DateTime, $first: Int, $after: String) {\n    webhookEvents(status: $status, name: $name, roomId: $roomId, since: $since, until: $until, first: $first, after: $after) {\n      id\n      name\n      roomId\n      status\n      error\n      attempts\n      receivedAt\n      appliedAt\n      body\n    }\n  }\n"): (typeof documents)["\n  query WebhookEvents($status: WebhookEventStatus, $name: String, $roomId: String, $since: DateTime, $until: DateTime, $first: Int, $after: String) {\n    webhookEvents(status: $status, name: $name, roomId: $roomId, since: $since, until: $until, first: $first, after: $after) {\n      id\n      name\n      roomId\n      status\n      error\n      attempts\n      receivedAt\n      appliedAt\n      body\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ReplayWebhookEvent($id: ID!) {\n    replayWebhookEvent(id: $id) {\n      replayed\n      message\n      event { id status attempts error appliedAt }\n    }\n  }\n"): (typeof documents)["\n  mutation ReplayWebhookEvent($id: ID!) {\n    replayWebhookEvent(id: $id) {\n      replayed\n      message\n      event { id status attempts error appliedAt }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation EraseUser($id: ID!) {\n    eraseUser(id: $id) { id requestedBy requestedAt completedAt attendancesDeleted rowsRedacted }\n  }\n"): (typeof documents)["\n  mutation EraseUser($id: ID!) {\n    eraseUser(id: $id) { id requestedBy requestedAt completedAt attendancesDeleted rowsRedacted }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query UserErasures($first: Int) {\n    userErasures(first: $first) { id requestedBy completedAt attendancesDeleted rowsRedacted }\n  }\n"): (typeof documents)["\n  query UserErasures($first: Int) {\n    userErasures(first: $first) { id requestedBy completedAt attendancesDeleted rowsRedacted }\n  }\n"];

export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}

export type DocumentType<TDocumentNode extends DocumentNode<any, any>> = TDocumentNode extends DocumentNode<  infer TType,  any>  ? TType  : never;