// Where a stream is now, for a client that loads a snapshot and then follows it live: reading the
// cursor before the snapshot and subscribing after it loses nothing committed in between (what the
// snapshot already shows comes again, in its current state).
import { encodeCursor, streamName } from '../../changes/cursor.ts';
import { logHead, type Stream } from '../../changes/log.ts';
import type { PrismaClient } from '../../db/types.ts';
import { builder } from '../builder.ts';

async function cursorNow(prisma: PrismaClient, stream: Stream): Promise<string> {
  const head = await logHead(prisma);
  return encodeCursor({ logId: head.logId, stream: streamName(stream), seq: head.seq });
}

const READ_FIRST =
  'Read it before the data it goes with, then subscribe with after: it to receive every change that follows.';

builder.queryFields((t) => ({
  attendanceCursor: t.string({
    description: `Where the room's attendance stream (attendanceChanged) is now. ${READ_FIRST}`,
    args: { roomId: t.arg.string({ required: true }) },
    resolve: (_root, { roomId }, ctx) => cursorNow(ctx.prisma, { topic: 'attendance', roomId }),
  }),
  liveSessionCursor: t.string({
    description: `Where the sessions stream (liveSessionChanged) is now. ${READ_FIRST}`,
    resolve: (_root, _args, ctx) => cursorNow(ctx.prisma, { topic: 'session' }),
  }),
}));
