// Admin operations: registering courses (with their managers) and scheduling sessions.
import type { PrismaClient, Tx } from '../db/types.ts';
import { Prisma } from '../db/generated/prisma/client.ts';
import { withRetry } from '../db/retry.ts';
import { courseSlugFromRoomId } from './rules.ts';

export class DomainError extends Error {
  constructor(
    message: string,
    readonly code: 'BAD_USER_INPUT' | 'NOT_FOUND' | 'REPLAY_FAILED',
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

const SLUG = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

/**
 * Creates or updates a course. `managerIds`, when given, replaces its managers (users not known yet
 * are created). Sessions of its rooms that had no course yet are attached to it.
 */
export async function upsertCourse(
  prisma: PrismaClient,
  input: { slug: string; title: string; managerIds?: readonly string[] | null },
): Promise<{ id: string }> {
  const slug = input.slug.trim();
  const title = input.title.trim();
  if (!SLUG.test(slug))
    throw new DomainError(
      `slug "${input.slug}" must be lowercase letters, digits and single hyphens`,
      'BAD_USER_INPUT',
    );
  if (!title) throw new DomainError('title must not be empty', 'BAD_USER_INPUT');
  const managerIds = input.managerIds ? [...new Set(input.managerIds.map((id) => id.trim()))] : undefined;
  if (managerIds?.some((id) => !id)) throw new DomainError('managerIds must not contain empty ids', 'BAD_USER_INPUT');

  return withRetry(() =>
    prisma.$transaction(async (tx) => {
      const course = await tx.course.upsert({
        where: { slug },
        create: { slug, title },
        update: { title },
        select: { id: true },
      });
      if (managerIds) {
        await tx.user.createMany({ data: managerIds.map((id) => ({ id })), skipDuplicates: true });
        await tx.courseManager.deleteMany({ where: { courseId: course.id, userId: { notIn: managerIds } } });
        await tx.courseManager.createMany({
          data: managerIds.map((userId) => ({ courseId: course.id, userId })),
          skipDuplicates: true,
        });
      }
      // Rooms named `<slug>-<14 digits>` that ran before the course was registered.
      const orphans = await tx.liveSession.findMany({
        where: { courseId: null, roomId: { startsWith: `${slug}-` } },
        select: { id: true, roomId: true },
      });
      const mine = orphans.filter((s) => courseSlugFromRoomId(s.roomId) === slug).map((s) => s.id);
      if (mine.length) await tx.liveSession.updateMany({ where: { id: { in: mine } }, data: { courseId: course.id } });
      if (managerIds || mine.length) await settleRoles(tx, { courseId: course.id });
      return course;
    }),
  );
}

/**
 * Ties a room id to a course before the class starts: the room's next run (its first event) takes
 * this session. If the room already has a session that has not ended, that one is updated.
 */
export async function scheduleLiveSession(
  prisma: PrismaClient,
  input: { courseSlug: string; roomId: string; subject?: string | null },
): Promise<{ id: string }> {
  const roomId = input.roomId.trim();
  if (!roomId) throw new DomainError('roomId must not be empty', 'BAD_USER_INPUT');
  const subject = input.subject?.trim() || null;
  return withRetry(() =>
    prisma.$transaction(async (tx) => {
      const course = await tx.course.findUnique({ where: { slug: input.courseSlug }, select: { id: true } });
      if (!course) throw new DomainError(`no course with slug "${input.courseSlug}"`, 'NOT_FOUND');
      const current = await tx.liveSession.findFirst({
        where: { roomId, endedAt: null },
        orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
        select: { id: true },
      });
      if (current) {
        const session = await tx.liveSession.update({
          where: { id: current.id },
          data: { courseId: course.id, subject },
          select: { id: true },
        });
        await settleRoles(tx, { sessionId: session.id });
        return session;
      }
      return tx.liveSession.create({ data: { roomId, courseId: course.id, subject }, select: { id: true } });
    }),
  );
}

/** The course a room belongs to: its latest session's, else by the room id's slug; null if none. */
export async function courseOfRoom(prisma: Pick<Tx, 'liveSession' | 'course'>, roomId: string): Promise<string | null> {
  const latest = await prisma.liveSession.findFirst({
    where: { roomId },
    orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
    select: { courseId: true },
  });
  if (latest?.courseId) return latest.courseId;
  const slug = courseSlugFromRoomId(roomId);
  return slug ? ((await prisma.course.findUnique({ where: { slug }, select: { id: true } }))?.id ?? null) : null;
}

/**
 * Roles follow the course: MODERATOR for a user PlugNMeet marked is_admin in the session or who
 * manages its course now, else PARTICIPANT. Run when managers or a session's course change.
 */
async function settleRoles(tx: Tx, which: { courseId: string } | { sessionId: string }) {
  const sessions =
    'courseId' in which ? Prisma.sql`s."courseId" = ${which.courseId}` : Prisma.sql`s.id = ${which.sessionId}`;
  await tx.$executeRaw`
    UPDATE "Attendance" AS a SET role = settled.role
    FROM (
      SELECT x.id, CASE
        WHEN x."roomAdmin" OR EXISTS (SELECT 1 FROM "CourseManager" AS m WHERE m."courseId" = s."courseId" AND m."userId" = x."userId")
        THEN 'MODERATOR'::"AttendanceRole" ELSE 'PARTICIPANT'::"AttendanceRole" END AS role
      FROM "Attendance" AS x JOIN "LiveSession" AS s ON x."sessionId" = s.id
      WHERE ${sessions}
    ) AS settled
    WHERE a.id = settled.id AND a.role <> settled.role`;
}
