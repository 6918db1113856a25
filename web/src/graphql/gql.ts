/* eslint-disable */
import * as types from './graphql.js';



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
    "\n  fragment SessionSummary on LiveSession {\n    id\n    roomId\n    subject\n    isLive\n    startedAt\n    endedAt\n    endInferred\n    onlineCount\n  }\n": typeof types.SessionSummaryFragmentDoc,
    "\n  fragment AttendanceRow on Attendance {\n    id\n    isOnline\n    attendedSeconds\n    role\n    firstJoinedAt\n    lastLeftAt\n    verdict\n    user { id name }\n    spans { joinedAt leftAt }\n    media { cameraSeconds microphoneSeconds screenShareSeconds }\n    engagement { talkSeconds chatMessages raisedHands pollVotes reactions }\n  }\n": typeof types.AttendanceRowFragmentDoc,
    "\n  fragment SessionDetail on LiveSession {\n    ...SessionSummary\n    course { id slug title }\n    attendances { ...AttendanceRow }\n    absentees { id name }\n    recordings { id title status durationSeconds playbackUrl createdAt }\n  }\n": typeof types.SessionDetailFragmentDoc,
    "\n  query PageSignIn {\n    me { id name }\n    courses { id slug title }\n  }\n": typeof types.PageSignInDocument,
    "\n  query PageCourseSessions($slug: String!) {\n    course(slug: $slug) {\n      id\n      slug\n      title\n      liveSessions(first: 100) { ...SessionSummary }\n    }\n  }\n": typeof types.PageCourseSessionsDocument,
    "\n  query PageSessionById($id: ID!) {\n    session(id: $id) { ...SessionDetail }\n  }\n": typeof types.PageSessionByIdDocument,
    "\n  query PageSessionRoom($id: ID!) {\n    session(id: $id) { roomId }\n  }\n": typeof types.PageSessionRoomDocument,
    "\n  query PageRoomSession($roomId: String!) {\n    liveSession(roomId: $roomId) { ...SessionDetail }\n  }\n": typeof types.PageRoomSessionDocument,
    "\n  subscription PageAttendanceUpdates($roomId: String!, $after: String) {\n    attendanceChanged(roomId: $roomId, after: $after) {\n      cursor\n      kind\n      session { ...SessionSummary }\n      attendance { ...AttendanceRow }\n    }\n  }\n": typeof types.PageAttendanceUpdatesDocument,
    "\n  subscription PageSessionUpdates($courseId: ID, $after: String) {\n    liveSessionChanged(courseId: $courseId, after: $after) {\n      cursor\n      kind\n      session { ...SessionSummary }\n    }\n  }\n": typeof types.PageSessionUpdatesDocument,
    "\n  query PageAttendanceCursor($roomId: String!) {\n    attendanceCursor(roomId: $roomId)\n  }\n": typeof types.PageAttendanceCursorDocument,
    "\n  query PageSessionsCursor {\n    liveSessionCursor\n  }\n": typeof types.PageSessionsCursorDocument,
};
const documents: Documents = {
    "\n  fragment SessionSummary on LiveSession {\n    id\n    roomId\n    subject\n    isLive\n    startedAt\n    endedAt\n    endInferred\n    onlineCount\n  }\n": types.SessionSummaryFragmentDoc,
    "\n  fragment AttendanceRow on Attendance {\n    id\n    isOnline\n    attendedSeconds\n    role\n    firstJoinedAt\n    lastLeftAt\n    verdict\n    user { id name }\n    spans { joinedAt leftAt }\n    media { cameraSeconds microphoneSeconds screenShareSeconds }\n    engagement { talkSeconds chatMessages raisedHands pollVotes reactions }\n  }\n": types.AttendanceRowFragmentDoc,
    "\n  fragment SessionDetail on LiveSession {\n    ...SessionSummary\n    course { id slug title }\n    attendances { ...AttendanceRow }\n    absentees { id name }\n    recordings { id title status durationSeconds playbackUrl createdAt }\n  }\n": types.SessionDetailFragmentDoc,
    "\n  query PageSignIn {\n    me { id name }\n    courses { id slug title }\n  }\n": types.PageSignInDocument,
    "\n  query PageCourseSessions($slug: String!) {\n    course(slug: $slug) {\n      id\n      slug\n      title\n      liveSessions(first: 100) { ...SessionSummary }\n    }\n  }\n": types.PageCourseSessionsDocument,
    "\n  query PageSessionById($id: ID!) {\n    session(id: $id) { ...SessionDetail }\n  }\n": types.PageSessionByIdDocument,
    "\n  query PageSessionRoom($id: ID!) {\n    session(id: $id) { roomId }\n  }\n": types.PageSessionRoomDocument,
    "\n  query PageRoomSession($roomId: String!) {\n    liveSession(roomId: $roomId) { ...SessionDetail }\n  }\n": types.PageRoomSessionDocument,
    "\n  subscription PageAttendanceUpdates($roomId: String!, $after: String) {\n    attendanceChanged(roomId: $roomId, after: $after) {\n      cursor\n      kind\n      session { ...SessionSummary }\n      attendance { ...AttendanceRow }\n    }\n  }\n": types.PageAttendanceUpdatesDocument,
    "\n  subscription PageSessionUpdates($courseId: ID, $after: String) {\n    liveSessionChanged(courseId: $courseId, after: $after) {\n      cursor\n      kind\n      session { ...SessionSummary }\n    }\n  }\n": types.PageSessionUpdatesDocument,
    "\n  query PageAttendanceCursor($roomId: String!) {\n    attendanceCursor(roomId: $roomId)\n  }\n": types.PageAttendanceCursorDocument,
    "\n  query PageSessionsCursor {\n    liveSessionCursor\n  }\n": types.PageSessionsCursorDocument,
};

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment SessionSummary on LiveSession {\n    id\n    roomId\n    subject\n    isLive\n    startedAt\n    endedAt\n    endInferred\n    onlineCount\n  }\n"): typeof import('./graphql.js').SessionSummaryFragmentDoc;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment AttendanceRow on Attendance {\n    id\n    isOnline\n    attendedSeconds\n    role\n    firstJoinedAt\n    lastLeftAt\n    verdict\n    user { id name }\n    spans { joinedAt leftAt }\n    media { cameraSeconds microphoneSeconds screenShareSeconds }\n    engagement { talkSeconds chatMessages raisedHands pollVotes reactions }\n  }\n"): typeof import('./graphql.js').AttendanceRowFragmentDoc;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment SessionDetail on LiveSession {\n    ...SessionSummary\n    course { id slug title }\n    attendances { ...AttendanceRow }\n    absentees { id name }\n    recordings { id title status durationSeconds playbackUrl createdAt }\n  }\n"): typeof import('./graphql.js').SessionDetailFragmentDoc;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query PageSignIn {\n    me { id name }\n    courses { id slug title }\n  }\n"): typeof import('./graphql.js').PageSignInDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query PageCourseSessions($slug: String!) {\n    course(slug: $slug) {\n      id\n      slug\n      title\n      liveSessions(first: 100) { ...SessionSummary }\n    }\n  }\n"): typeof import('./graphql.js').PageCourseSessionsDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query PageSessionById($id: ID!) {\n    session(id: $id) { ...SessionDetail }\n  }\n"): typeof import('./graphql.js').PageSessionByIdDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query PageSessionRoom($id: ID!) {\n    session(id: $id) { roomId }\n  }\n"): typeof import('./graphql.js').PageSessionRoomDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query PageRoomSession($roomId: String!) {\n    liveSession(roomId: $roomId) { ...SessionDetail }\n  }\n"): typeof import('./graphql.js').PageRoomSessionDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription PageAttendanceUpdates($roomId: String!, $after: String) {\n    attendanceChanged(roomId: $roomId, after: $after) {\n      cursor\n      kind\n      session { ...SessionSummary }\n      attendance { ...AttendanceRow }\n    }\n  }\n"): typeof import('./graphql.js').PageAttendanceUpdatesDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription PageSessionUpdates($courseId: ID, $after: String) {\n    liveSessionChanged(courseId: $courseId, after: $after) {\n      cursor\n      kind\n      session { ...SessionSummary }\n    }\n  }\n"): typeof import('./graphql.js').PageSessionUpdatesDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query PageAttendanceCursor($roomId: String!) {\n    attendanceCursor(roomId: $roomId)\n  }\n"): typeof import('./graphql.js').PageAttendanceCursorDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query PageSessionsCursor {\n    liveSessionCursor\n  }\n"): typeof import('./graphql.js').PageSessionsCursorDocument;


export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}
