// The answers operations the tests run (roster, policy, verdicts, report), typed by GraphQL Code
// Generator (npm run codegen).
import { graphql } from '../graphql/index.ts';

export const CourseAnswersQuery = graphql(`
  query CourseAnswers($slug: String!, $from: DateTime, $to: DateTime) {
    course(slug: $slug) {
      id
      slug
      policy { minAttendedPercent lateAfterMinutes leftEarlyMinutes }
      roster { id name }
      report(from: $from, to: $to) {
        user { id name }
        sessions
        present
        late
        leftEarly
        absent
        attendedSeconds
        attendedPercent
      }
    }
  }
`);

export const SessionVerdictsQuery = graphql(`
  query SessionVerdicts($roomId: String!) {
    liveSession(roomId: $roomId) {
      id
      isLive
      startedAt
      endedAt
      absentees { id name }
      attendances { user { id name } role verdict attendedSeconds firstJoinedAt lastLeftAt }
    }
  }
`);

export const CourseSessionsVerdictsQuery = graphql(`
  query CourseSessionsVerdicts($courseId: ID) {
    liveSessions(courseId: $courseId) {
      id
      absentees { id }
      attendances { user { id } verdict }
      course { roster { id } policy { minAttendedPercent } }
    }
  }
`);

export const EnrolMutation = graphql(`
  mutation Enrol($courseSlug: String!, $userIds: [ID!]!) {
    enrol(courseSlug: $courseSlug, userIds: $userIds) { slug roster { id name } }
  }
`);

export const UnenrolMutation = graphql(`
  mutation Unenrol($courseSlug: String!, $userIds: [ID!]!) {
    unenrol(courseSlug: $courseSlug, userIds: $userIds) { slug roster { id name } }
  }
`);

export const SetAttendancePolicyMutation = graphql(`
  mutation SetAttendancePolicy($courseSlug: String!, $minAttendedPercent: Int, $lateAfterMinutes: Int, $leftEarlyMinutes: Int) {
    setAttendancePolicy(
      courseSlug: $courseSlug
      minAttendedPercent: $minAttendedPercent
      lateAfterMinutes: $lateAfterMinutes
      leftEarlyMinutes: $leftEarlyMinutes
    ) {
      slug
      policy { minAttendedPercent lateAfterMinutes leftEarlyMinutes }
    }
  }
`);

export const SessionAnswersSubscription = graphql(`
  subscription SessionAnswers($courseId: ID) {
    liveSessionChanged(courseId: $courseId) {
      kind
      session { id roomId absentees { id } attendances { user { id } verdict } }
    }
  }
`);

export const CoursesReportQuery = graphql(`
  query CoursesReport($from: DateTime) {
    courses { slug report(from: $from) { user { id name } absent attendedPercent } }
  }
`);
