// Admin operations on recordings.
import type { Change } from '../attendance/events.ts';
import { DomainError } from '../attendance/courses.ts';
import { appendChanges } from '../changes/log.ts';
import type { PrismaClient } from '../db/types.ts';

/** Puts a FAILED recording back in the queue, with a fresh set of attempts. */
export async function retryRecording(prisma: PrismaClient, id: string): Promise<{ id: string; changes: Change[] }> {
  const recording = await prisma.recording.findUnique({
    where: { id },
    include: { session: { select: { courseId: true } } },
  });
  if (!recording) throw new DomainError(`no recording with id "${id}"`, 'NOT_FOUND');
  if (recording.status !== 'FAILED') {
    throw new DomainError(
      `recording ${id} is ${recording.status}: only a FAILED recording can be retried`,
      'BAD_USER_INPUT',
    );
  }
  const change: Change = {
    type: 'recording',
    status: 'PROCESSING',
    recordingId: id,
    roomId: recording.roomId,
    sessionId: recording.sessionId,
    courseId: recording.session?.courseId ?? null,
  };
  return prisma.$transaction(async (tx) => {
    const updated = await tx.recording.updateMany({
      where: { id, status: 'FAILED' },
      data: {
        status: 'PROCESSING',
        fileReady: true,
        attempts: 0,
        error: null,
        nextAttemptAt: null,
        leaseOwner: null,
        leaseExpiresAt: null,
      },
    });
    if (updated.count === 0) return { id, changes: [] }; // retried concurrently
    await appendChanges(tx, [change]);
    return { id, changes: [change] };
  });
}
