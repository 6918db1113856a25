// A course's roster: the students expected in its sessions (absentees are roster members who did not
// come). Admin operations; the GraphQL layer checks who.
import { DomainError } from '../attendance/courses.ts';
import type { Change } from '../attendance/events.ts';
import { withRetry } from '../db/retry.ts';
import type { PrismaClient } from '../db/types.ts';
import { courseBySlug, updatedLiveSessions } from './course-changes.ts';

/** Ids in one call: a school's largest lecture, with room to spare; more is a mistake or a batch job. */
export const MAX_USER_IDS = 5_000;

function checkUserIds(userIds: readonly string[]): string[] {
  if (userIds.length === 0) throw new DomainError('userIds must list at least one user id', 'BAD_USER_INPUT');
  if (userIds.length > MAX_USER_IDS)
    throw new DomainError(
      `userIds may list at most ${MAX_USER_IDS} ids at once (got ${userIds.length})`,
      'BAD_USER_INPUT',
    );
  const ids = userIds.map((id) => id.trim());
  if (ids.some((id) => !id)) throw new DomainError('userIds must not contain empty ids', 'BAD_USER_INPUT');
  return [...new Set(ids)];
}

/** Adds users to a course's roster (unknown users are created); the already enrolled stay as they are. */
export async function enrol(prisma: PrismaClient, input: { courseSlug: string; userIds: readonly string[] }) {
  const ids = checkUserIds(input.userIds);
  return withRetry(() =>
    prisma.$transaction(async (tx) => {
      const course = await courseBySlug(tx, input.courseSlug);
      await tx.user.createMany({ data: ids.map((id) => ({ id })), skipDuplicates: true });
      const { count } = await tx.enrolment.createMany({
        data: ids.map((userId) => ({ courseId: course.id, userId })),
        skipDuplicates: true,
      });
      const changes: Change[] = count > 0 ? await updatedLiveSessions(tx, course.id) : [];
      return { courseId: course.id, enrolled: count, changes };
    }),
  );
}

/** Takes users off a course's roster; ids not on it are no error (the result is the same). */
export async function unenrol(prisma: PrismaClient, input: { courseSlug: string; userIds: readonly string[] }) {
  const ids = checkUserIds(input.userIds);
  return withRetry(() =>
    prisma.$transaction(async (tx) => {
      const course = await courseBySlug(tx, input.courseSlug);
      const { count } = await tx.enrolment.deleteMany({ where: { courseId: course.id, userId: { in: ids } } });
      const changes: Change[] = count > 0 ? await updatedLiveSessions(tx, course.id) : [];
      return { courseId: course.id, unenrolled: count, changes };
    }),
  );
}
