// What roster and policy changes share: the course they name, and the sessions whose answers move
// with them.
import { DomainError } from '../attendance/courses.ts';
import type { Change } from '../attendance/events.ts';
import { appendChanges } from '../changes/log.ts';
import type { Tx } from '../db/types.ts';

export async function courseBySlug(tx: Pick<Tx, 'course'>, slug: string): Promise<{ id: string; slug: string }> {
  const course = await tx.course.findUnique({ where: { slug }, select: { id: true, slug: true } });
  if (!course) throw new DomainError(`no course with slug "${slug}"`, 'NOT_FOUND');
  return course;
}

/**
 * UPDATED for each of the course's sessions not ended, written to the change log in the caller's
 * transaction: verdicts and absentees are computed when read, so a dashboard showing one refetches
 * it. Ended sessions have no subscribers to tell.
 */
export async function updatedLiveSessions(tx: Tx, courseId: string): Promise<Change[]> {
  const sessions = await tx.liveSession.findMany({
    where: { courseId, endedAt: null },
    select: { id: true, roomId: true },
  });
  const changes: Change[] = sessions.map((s) => ({
    type: 'session',
    kind: 'UPDATED',
    sessionId: s.id,
    roomId: s.roomId,
    courseId,
  }));
  await appendChanges(tx, changes);
  return changes;
}
