// Arguments the database could not hold as sent (U+0000, lone surrogates) are bad input, said
// so before anything runs; not an internal error from deep inside a resolver.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AttendanceChangedSubscription, CourseQuery, UpsertCourseMutation } from '../support/documents.ts';
import { postGraphQL } from '../support/graphql-http.ts';
import { roomEventBody } from '../support/plugnmeet.ts';
import { startTestServer, subscribe, type TestServer } from '../support/server.ts';

let app: TestServer;
beforeAll(async () => {
  app = await startTestServer();
});
afterAll(() => app?.close());

const NUL_REFUSED = [
  expect.objectContaining({
    message: 'Text arguments must not contain the NUL character (\\u0000) or a lone surrogate',
    extensions: expect.objectContaining({ code: 'BAD_USER_INPUT' }),
  }),
];

describe('a NUL character or a lone surrogate in a text argument', () => {
  it('is BAD_USER_INPUT in a variable of a query', async () => {
    const result = await app.graphql(CourseQuery, { slug: 'a\u0000b' });
    expect(result.data ?? null).toBeNull();
    expect(result.errors).toEqual(NUL_REFUSED);
  });

  it('is BAD_USER_INPUT in a literal of a query, over plain HTTP', async () => {
    const response = await postGraphQL(app.url, '{ liveSession(roomId: "room\\u0000x") { id } }');
    expect((await response.json()).errors).toEqual(NUL_REFUSED);
  });

  it('is BAD_USER_INPUT in a mutation, which then changes nothing', async () => {
    const result = await app.graphql(UpsertCourseMutation, { slug: 'nul-course', title: 'Title\u0000' });
    expect(result.errors).toEqual(NUL_REFUSED);
    expect(await app.db.prisma.course.findUnique({ where: { slug: 'nul-course' } })).toBeNull();
  });

  it('is BAD_USER_INPUT for a subscription over graphql-ws, and the socket stays usable', async () => {
    const client = app.wsClient();
    try {
      const refused = subscribe(client, AttendanceChangedSubscription, { roomId: 'room\u0000x' });
      const [result] = await refused.next(1);
      expect(result.errors).toEqual(NUL_REFUSED);
      const fine = await client.iterate({ query: '{ __typename }' }).next();
      expect(fine.value).toEqual({ data: { __typename: 'Query' } });
    } finally {
      await client.dispose();
    }
  });

  it('is BAD_USER_INPUT for a lone surrogate, which the database would turn into U+FFFD', async () => {
    const result = await app.graphql(CourseQuery, { slug: 'a\ud800' });
    expect(result.errors).toEqual(NUL_REFUSED);
  });

  it('leaves other text alone (emoji included): a course slug that does not exist is simply null', async () => {
    const result = await app.graphql(CourseQuery, { slug: 'no-such-course-😀' });
    expect(result.errors).toBeUndefined();
    expect(result.data?.course).toBeNull();
  });
});

describe('GraphQL over GET with parameters that are not JSON', () => {
  const get = (params: Record<string, string>) =>
    fetch(
      `${app.url}/graphql?${new URLSearchParams({ query: 'query ($slug: String!) { course(slug: $slug) { id } }', ...params })}`,
      {
        headers: { accept: 'application/json' },
      },
    );

  it('answers 400 naming the parameter, not a 500', async () => {
    for (const name of ['variables', 'extensions']) {
      const response = await get({ [name]: '{bad' });
      expect(response.status, name).toBe(400);
      const body = await response.json();
      expect(body.errors, name).toEqual([
        {
          message: expect.stringMatching(new RegExp(`^The ${name} parameter is not valid JSON`)),
          extensions: { code: 'BAD_REQUEST' },
        },
      ]);
    }
    const list = await get({ variables: '[1]' });
    expect(list.status).toBe(400);
    expect((await list.json()).errors[0].message).toBe('The variables parameter must be a JSON object');
  });

  it('still serves a GET whose parameters are JSON', async () => {
    const response = await get({ variables: JSON.stringify({ slug: 'no-such-course' }) });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ data: { course: null } });
  });
});

describe('an empty id names nothing', () => {
  const EMPTY = (name: string) => [
    expect.objectContaining({
      message: `${name} must not be empty`,
      extensions: expect.objectContaining({ code: 'BAD_USER_INPUT' }),
    }),
  ];

  it('is BAD_USER_INPUT for a filter or a cursor, not every row or an empty page', async () => {
    const sessions = await postGraphQL(app.url, '{ liveSessions(courseId: "") { id } }');
    expect((await sessions.json()).errors).toEqual(EMPTY('courseId'));
    const recordings = await postGraphQL(app.url, '{ recordings(after: "") { id } }');
    expect((await recordings.json()).errors).toEqual(EMPTY('after'));
  });

  it('is BAD_USER_INPUT for a subscription over graphql-ws', async () => {
    const client = app.wsClient();
    const rooms = subscribe(client, AttendanceChangedSubscription, { roomId: '' });
    const [result] = await rooms.next(1);
    expect(result.errors).toEqual(EMPTY('roomId'));
  });
});

describe('a cursor that is not an item of the list', () => {
  const UNKNOWN = (after: string) => [
    expect.objectContaining({
      message: `after: ${after} is not an item of this list`,
      extensions: expect.objectContaining({ code: 'BAD_USER_INPUT' }),
    }),
  ];

  it("is BAD_USER_INPUT, while the last item's cursor gives an empty page", async () => {
    expect(
      (await app.graphql(UpsertCourseMutation, { slug: 'cursor-course', title: 'Cursors' })).errors,
    ).toBeUndefined();
    expect((await app.graphql(UpsertCourseMutation, { slug: 'other-course', title: 'Other' })).errors).toBeUndefined();
    for (const [slug, roomId, sid] of [
      ['cursor-course', 'cursor-course-20261124090000', 'RM_cursor_1'],
      ['other-course', 'other-course-20261124090000', 'RM_cursor_2'],
    ]) {
      expect(
        (
          await app.postWebhook(
            roomEventBody('02-room_started', { roomId, roomSid: sid }, 1_795_510_800, `cursor-${sid}`),
          )
        ).status,
        slug,
      ).toBe(200);
    }
    const mine = (await app.graphql(CourseQuery, { slug: 'cursor-course' })).data!.course!.liveSessions;
    const theirs = (await app.graphql(CourseQuery, { slug: 'other-course' })).data!.course!.liveSessions;
    expect(mine).toHaveLength(1);

    // the end of the list: no error
    expect(await app.graphql(CourseQuery, { slug: 'cursor-course', after: mine[0].id })).toMatchObject({
      data: { course: { liveSessions: [] } },
    });
    for (const after of ['no-such-session', theirs[0].id]) {
      const result = await app.graphql(CourseQuery, { slug: 'cursor-course', after });
      expect(result.errors, after).toEqual(UNKNOWN(after));
    }
    const recordings = await postGraphQL(app.url, '{ recordings(after: "no-such-recording") { id } }');
    expect((await recordings.json()).errors).toEqual(UNKNOWN('no-such-recording'));
  });
});
