import { mediaTime, type MediaTime } from '../../engagement/media.ts';
import { builder } from '../builder.ts';

const MediaTimeType = builder.objectRef<MediaTime>('MediaTime').implement({
  description:
    'Seconds a camera, microphone or screen share was published, within the connection and the session. PlugNMeet sends no webhook for a mute: until the analytics file is imported this is time published, not time unmuted.',
  fields: (t) => ({
    cameraSeconds: t.exposeInt('cameraSeconds'),
    microphoneSeconds: t.exposeInt('microphoneSeconds'),
    screenShareSeconds: t.exposeInt('screenShareSeconds'),
  }),
});

builder.prismaObject('Engagement', {
  description: "What the session's analytics file says of this attendance.",
  fields: (t) => ({
    talkSeconds: t.exposeInt('talkSeconds'),
    chatMessages: t.exposeInt('chatMessages'),
    raisedHands: t.exposeInt('raisedHands'),
    pollVotes: t.exposeInt('pollVotes'),
    reactions: t.exposeInt('reactions'),
    importedAt: t.expose('importedAt', { type: 'DateTime' }),
  }),
});

builder.prismaObjectFields('Attendance', (t) => ({
  media: t.field({
    type: MediaTimeType,
    description: 'Camera, microphone and screen time, live.',
    select: {
      media: { select: { participantSid: true, source: true, publishedAt: true, unpublishedAt: true } },
      spans: { select: { participantSid: true, joinedAt: true, leftAt: true } },
      session: { select: { startedAt: true, endedAt: true } },
    },
    resolve: (a) => mediaTime(a.media, a.spans, a.session, new Date()),
  }),
  engagement: t.relation('engagement', {
    nullable: true,
    description: "Talk time, chat, hands, polls and reactions: null until the session's analytics file is imported.",
  }),
}));

const AnalyticsImportStatusEnum = builder.enumType('AnalyticsImportStatus', {
  values: ['PENDING', 'DOWNLOADING', 'IMPORTED', 'NO_SESSION', 'FAILED'] as const,
  description:
    'PENDING: waiting for an attempt; IMPORTED: engagement is shown; FAILED: nothing of the file is shown (see error).',
});

builder.prismaObject('AnalyticsImport', {
  description: "The import of the session's analytics file from PlugNMeet.",
  fields: (t) => ({
    status: t.field({ type: AnalyticsImportStatusEnum, resolve: (i) => i.status }),
    error: t.exposeString('error', {
      nullable: true,
      description: 'Why it failed, or the users of the file the session did not know.',
    }),
    attempts: t.exposeInt('attempts'),
    importedAt: t.expose('importedAt', { type: 'DateTime', nullable: true }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime' }),
  }),
});

builder.prismaObjectFields('LiveSession', (t) => ({
  analyticsImport: t.relation('analyticsImport', {
    nullable: true,
    description: "Where the import of PlugNMeet's analytics file stands; null until PlugNMeet announces one.",
    authScopes: (session) => ({ course: session.courseId }),
  }),
}));
