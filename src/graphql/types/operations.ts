// Admin operations: the audit trail of stored webhooks, their replay, and erasing a user.
import type { Prisma } from '../../db/generated/prisma/client.ts';
import { eraseUser } from '../../ops/erasure.ts';
import { replayWebhookEvent } from '../../ops/replay.ts';
import { builder } from '../builder.ts';
import { asGraphQLErrors, notEmpty } from '../errors.ts';
import { pageArgs, pageComplexity } from './paging.ts';

export const WEBHOOK_EVENT_ORDER = [{ receivedAt: 'desc' as const }, { id: 'desc' as const }];

export const WebhookEventStatusEnum = builder.enumType('WebhookEventStatus', {
  values: {
    APPLIED: { description: 'Its effects are in the data.' },
    IGNORED: { description: 'An event Rollcall does not act on, or one about a bot.' },
    PENDING: { description: 'Waiting for what it needs (a recording of a run not seen yet).' },
    REJECTED: { description: 'Verified but unusable (missing fields); replayable.' },
    FAILED: { description: "Applying it failed; PlugNMeet's retry or a replay finishes it." },
  } as const,
});

builder.prismaObject('WebhookEvent', {
  description: 'A webhook as PlugNMeet sent it (verified), and what became of it.',
  fields: (t) => ({
    id: t.exposeID('id', { description: "PlugNMeet's event id (sha256:<hex> of the body when it had none)." }),
    name: t.exposeString('name'),
    roomId: t.exposeString('roomId', { nullable: true }),
    roomSid: t.exposeString('roomSid', { nullable: true }),
    occurredAt: t.expose('occurredAt', { type: 'DateTime', nullable: true, description: 'created_at of the event.' }),
    receivedAt: t.expose('receivedAt', { type: 'DateTime' }),
    appliedAt: t.expose('appliedAt', { type: 'DateTime', nullable: true }),
    status: t.expose('status', { type: WebhookEventStatusEnum }),
    error: t.exposeString('error', { nullable: true, description: 'Why it was rejected, or why applying it failed.' }),
    attempts: t.exposeInt('attempts'),
    body: t.exposeString('body', { description: 'The raw JSON body (personal data of erased users redacted).' }),
  }),
});

export interface WebhookEventFilter {
  status?: string | null;
  name?: string | null;
  roomId?: string | null;
  since?: Date | null;
  until?: Date | null;
}

/** The events `webhookEvents` lists for these filters (paging aside). */
export function webhookEventsWhere(args: WebhookEventFilter): Prisma.WebhookEventWhereInput {
  return {
    ...(args.status ? { status: args.status as Prisma.WebhookEventWhereInput['status'] } : {}),
    ...(notEmpty('name', args.name) ? { name: args.name! } : {}),
    ...(notEmpty('roomId', args.roomId) ? { roomId: args.roomId! } : {}),
    ...(args.since || args.until
      ? { receivedAt: { ...(args.since ? { gte: args.since } : {}), ...(args.until ? { lt: args.until } : {}) } }
      : {}),
  };
}

builder.queryFields((t) => ({
  webhookEvents: t.prismaField({
    type: ['WebhookEvent'],
    authScopes: { admin: true },
    description:
      'Admin: the stored webhooks, newest first, a page at a time (after: the last event id seen). since/until bound receivedAt (until excluded).',
    args: {
      status: t.arg({ type: WebhookEventStatusEnum, required: false }),
      name: t.arg.string({ required: false, description: 'The event name, e.g. participant_joined.' }),
      roomId: t.arg.string({ required: false }),
      since: t.arg({ type: 'DateTime', required: false }),
      until: t.arg({ type: 'DateTime', required: false }),
      first: t.arg.int({ defaultValue: 50 }),
      after: t.arg.string({ required: false }),
    },
    complexity: pageComplexity,
    resolve: (query, _root, args, ctx) =>
      ctx.prisma.webhookEvent.findMany({
        ...query,
        where: webhookEventsWhere(args),
        orderBy: WEBHOOK_EVENT_ORDER,
        ...pageArgs(args),
      }),
  }),
}));

const ReplayResult = builder.objectRef<{ replayed: boolean; message: string; id: string }>('ReplayResult').implement({
  fields: (t) => ({
    replayed: t.exposeBoolean('replayed', {
      description: 'False when there was nothing to do: the event was applied (or ignored) already.',
    }),
    message: t.exposeString('message'),
    event: t.prismaField({
      type: 'WebhookEvent',
      resolve: (query, r, _args, ctx) => ctx.prisma.webhookEvent.findUniqueOrThrow({ ...query, where: { id: r.id } }),
    }),
  }),
});

builder.mutationFields((t) => ({
  replayWebhookEvent: t.field({
    type: ReplayResult,
    authScopes: { admin: true },
    description:
      'Admin: apply a FAILED or REJECTED stored event again, through the same path as a webhook. Idempotent: an applied event is not applied twice.',
    args: { id: t.arg.id({ required: true }) },
    resolve: async (_root, { id }, ctx) => ({
      id,
      ...(await asGraphQLErrors(() => replayWebhookEvent(ctx.prisma, ctx.ingest, id))),
    }),
  }),
}));

builder.prismaObject('UserErasure', {
  description: "A user's personal data erased: who asked, when, and how much was removed; never whom.",
  fields: (t) => ({
    id: t.exposeID('id'),
    requestedBy: t.exposeString('requestedBy', { description: 'The credential that asked (admin).' }),
    requestedAt: t.expose('requestedAt', { type: 'DateTime' }),
    completedAt: t.expose('completedAt', {
      type: 'DateTime',
      nullable: true,
      description: 'Null while running, or if it was cut short (ask again).',
    }),
    attendancesDeleted: t.exposeInt('attendancesDeleted'),
    rowsRedacted: t.exposeInt('rowsRedacted', {
      description: 'Stored webhooks, change log entries and analytics files rewritten without the user.',
    }),
  }),
});

builder.queryFields((t) => ({
  userErasures: t.prismaField({
    type: ['UserErasure'],
    authScopes: { admin: true },
    description: 'Admin: the erasures done, newest first, a page at a time.',
    args: { first: t.arg.int({ defaultValue: 50 }), after: t.arg.string({ required: false }) },
    complexity: pageComplexity,
    resolve: (query, _root, args, ctx) =>
      ctx.prisma.userErasure.findMany({
        ...query,
        orderBy: [{ requestedAt: 'desc' }, { id: 'desc' }],
        ...pageArgs(args),
      }),
  }),
}));

builder.mutationFields((t) => ({
  eraseUser: t.prismaField({
    type: 'UserErasure',
    authScopes: { admin: true },
    description:
      "Admin: delete a user's attendances and their user record, and remove their id and name from every stored webhook body, the change log and analytics files. Recorded (who, when), without the id erased. Idempotent: ask again to finish one cut short.",
    args: { id: t.arg.id({ required: true }) },
    resolve: async (query, _root, { id }, ctx) => {
      const { id: erasureId } = await eraseUser(
        ctx.prisma,
        notEmpty('id', id),
        ctx.viewer.kind === 'admin' ? 'admin' : `user:${ctx.viewer.userId}`,
      );
      return ctx.prisma.userErasure.findUniqueOrThrow({ ...query, where: { id: erasureId } });
    },
  }),
}));
