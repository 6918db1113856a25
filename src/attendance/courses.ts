// Admin operations: registering courses (with their managers) and scheduling sessions.
import type { PrismaClient } from '../db/types.ts';
import { withRetry } from '../db/retry.ts';
import { courseSlugFromRoomId } from './rules.ts';

export class DomainError extends Error {
  constructor(
    message: string,
    readonly code: 'BAD_USER_INPUT' | 'NOT_FOUND',
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
  if (!SLUG.test(slug)) throw new DomainError(`slug "${input.slug}" must be lowercase letters, digits and single hyphens`, 'BAD_USER_INPUT');
  if (!title) throw new DomainError('title must not be empty', 'BAD_USER_INPUT');
  const managerIds = input.managerIds ? [...new Set(input.managerIds.map((id) => id.trim()))] : undefined;
  if (managerIds?.some((id) => !id)) throw new DomainError('managerIds must not contain empty ids', 'BAD_USER_INPUT');

  return withRetry(() =>
    prisma.$transaction(async (tx) => {
      const course = await tx.course.upsert({ where: { slug }, create: { slug, title }, update: { title }, select: { id: true } });
      if (managerIds) {
        await tx.user.createMany({ data: managerIds.map((id) => ({ id })), skipDuplicates: true });
        await tx.courseManager.deleteMany({ where: { courseId: course.id, userId: { notIn: managerIds } } });
        await tx.courseManager.createMany({ data: managerIds.map((userId) => ({ courseId: course.id, userId })), skipDuplicates: true });
      }
      // Rooms named `<slug>-<14 digits>` that ran before the course was registered.
      const orphans = await tx.liveSession.findMany({
        where: { courseId: null, roomId: { startsWith: `${slug}-` } },
        select: { id: true, roomId: true },
      });
      const mine = orphans.filter((s) => courseSlugFromRoomId(s.roomId) === slug).map((s) => s.id);
      if (mine.length) await tx.liveSession.updateMany({ where: { id: { in: mine } }, data: { courseId: course.id } });
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
        return tx.liveSession.update({ where: { id: current.id }, data: { courseId: course.id, subject }, select: { id: true } });
      }
      return tx.liveSession.create({ data: { roomId, courseId: course.id, subject }, select: { id: true } });
    }),
  );
}
