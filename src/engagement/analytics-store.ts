// The analytics file's numbers written in one transaction: the import marked IMPORTED (first, so
// that its row lock orders imports and a lost lease writes nothing), each known user's Engagement,
// the file's media spans in place of the track events' ones, and attendanceChanged UPDATED in the
// change log. Users the session does not know are left out and reported.
import type { Change } from '../attendance/events.ts';
import { appendChanges } from '../changes/log.ts';
import type { Prisma } from '../db/generated/prisma/client.ts';
import type { PrismaClient } from '../db/types.ts';
import type { UserEngagement } from './analytics-file.ts';

/** The import's lease passed to another runner meanwhile: nothing was written. */
export class LostLeaseError extends Error {}

/** What the import did, kept on its row. */
export async function storeAnalytics(
  prisma: PrismaClient,
  {
    importId,
    owner,
    sessionId,
    users,
    file,
  }: { importId: string; owner: string; sessionId: string; users: UserEngagement[]; file: Prisma.InputJsonValue },
) {
  const changes: Change[] = [];
  const report = await prisma.$transaction(async (tx) => {
    const session = await tx.liveSession.findUniqueOrThrow({
      where: { id: sessionId },
      select: { roomId: true, courseId: true, attendances: { select: { id: true, userId: true } } },
    });
    const byUser = new Map(session.attendances.map((a) => [a.userId, a.id]));
    const known = users.filter((u) => byUser.has(u.userId));
    const unknownUsers = users.filter((u) => !byUser.has(u.userId)).map((u) => u.userId);
    const inFile = new Set(users.map((u) => u.userId));
    const missingUsers = session.attendances.filter((a) => !inFile.has(a.userId)).map((a) => a.userId);
    const report = {
      users: known.length,
      unknownUsers,
      missingUsers,
      mediaSpans: known.reduce((n, u) => n + u.media.length, 0),
    };
    // first, so that the row lock orders imports and a lost lease writes nothing
    const { count } = await tx.analyticsImport.updateMany({
      where: { id: importId, leaseOwner: owner },
      data: {
        status: 'IMPORTED',
        sessionId,
        file,
        report,
        error: unknownUsers.length ? `users unknown to the session, not imported: ${unknownUsers.join(', ')}` : null,
        importedAt: new Date(),
        nextAttemptAt: null,
        leaseOwner: null,
        leaseExpiresAt: null,
      },
    });
    if (count !== 1) throw new LostLeaseError();
    const ids = known.map((u) => byUser.get(u.userId)!);
    await tx.engagement.deleteMany({ where: { attendanceId: { in: ids } } });
    await tx.engagement.createMany({
      data: known.map(({ userId, media: _media, ...numbers }) => ({ attendanceId: byUser.get(userId)!, ...numbers })),
    });
    // the file's spans know mutes: they replace the track events' spans of the users it lists
    await tx.mediaSpan.deleteMany({ where: { attendanceId: { in: ids } } });
    await tx.mediaSpan.createMany({
      data: known.flatMap((u) =>
        u.media.map((m, i) => ({
          attendanceId: byUser.get(u.userId)!,
          participantSid: 'analytics',
          trackSid: `analytics:${m.source}:${i}`,
          source: m.source,
          publishedAt: m.from,
          unpublishedAt: m.to,
          fromAnalytics: true,
        })),
      ),
    });
    for (const u of known) {
      changes.push({
        type: 'attendance',
        kind: 'UPDATED',
        attendanceId: byUser.get(u.userId)!,
        userId: u.userId,
        sessionId,
        roomId: session.roomId,
        courseId: session.courseId,
      });
    }
    await appendChanges(tx, changes);
    return report;
  });
  return report;
}
