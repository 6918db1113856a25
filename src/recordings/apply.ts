// end_recording and recording_proceeded: the recording is known (PROCESSING), and once its file is
// ready the download job may run. Either may come first, or twice.
import type { DomainEvent, Effect } from '../attendance/events.ts';
import type { Tx } from '../db/types.ts';

type RecordingEvent = Extract<DomainEvent, { name: 'end_recording' | 'recording_proceeded' }>;

export async function applyRecordingEvent(tx: Tx, event: RecordingEvent): Promise<Effect> {
  const { recordId, filePath } = event.recording;
  const fileReady = event.name === 'recording_proceeded';
  // The session of the room run that made it; a run not seen yet is linked when it appears.
  const session = event.room.roomSid
    ? await tx.liveSession.findUnique({ where: { roomSid: event.room.roomSid }, select: { id: true, courseId: true } })
    : null;

  const existing = await tx.recording.findUnique({ where: { recordId } });
  if (!existing) {
    const created = await tx.recording.create({
      data: {
        recordId,
        roomId: event.room.roomId,
        roomSid: event.room.roomSid ?? null,
        sessionId: session?.id ?? null,
        sourcePath: filePath ?? null,
        fileReady,
        createdAt: event.at,
      },
    });
    return {
      status: 'APPLIED',
      message: fileReady ? `recording ${recordId} is ready: download queued` : `recording ${recordId} is processing`,
      sessionId: session?.id,
      changes: [
        {
          type: 'recording',
          status: 'PROCESSING',
          recordingId: created.id,
          roomId: created.roomId,
          sessionId: created.sessionId,
          courseId: session?.courseId ?? null,
        },
      ],
    };
  }

  if (fileReady && !existing.fileReady) {
    await tx.recording.update({
      where: { id: existing.id },
      data: { fileReady: true, sourcePath: filePath ?? existing.sourcePath, sessionId: existing.sessionId ?? session?.id },
    });
    return { status: 'APPLIED', message: `recording ${recordId} is ready: download queued`, sessionId: session?.id, changes: [] };
  }
  return { status: 'APPLIED', message: `recording ${recordId} already known: nothing changed`, sessionId: session?.id, changes: [] };
}
