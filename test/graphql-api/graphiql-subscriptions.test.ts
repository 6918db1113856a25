// GraphiQL runs subscriptions over Server-Sent Events on /graphql, with the headers of its Headers
// tab (the credential) on the request; a WebSocket's connection_init carries none of them.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { roomEventBody } from '../support/plugnmeet.ts';
import { startTestServer, type TestServer } from '../support/server.ts';
import {
  DASHBOARD_AUDIENCE,
  DASHBOARD_ISSUER,
  DASHBOARD_SECRET,
  dashboardToken,
  nowSeconds,
} from '../support/tokens.ts';

const ADMIN_TOKEN = 'graphiql-admin-token-5d2e8c1f';
let app: TestServer;
beforeAll(async () => {
  app = await startTestServer({
    adminApiToken: ADMIN_TOKEN,
    dashboard: { secret: DASHBOARD_SECRET, issuer: DASHBOARD_ISSUER, audience: DASHBOARD_AUDIENCE },
  });
});
afterAll(() => app?.close());

const SUBSCRIPTION = 'subscription { liveSessionChanged { kind session { roomId } } }';

/** Subscribes as GraphiQL does (POST, Accept: text/event-stream); returns the stream's text so far. */
async function graphiqlSubscribe(headers: Record<string, string>) {
  const controller = new AbortController();
  const response = await fetch(`${app.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'text/event-stream', ...headers },
    body: JSON.stringify({ query: SUBSCRIPTION }),
    signal: controller.signal,
  });
  const reader = response.body!.getReader();
  let text = '';
  return {
    response,
    async until(pattern: RegExp, timeoutMs = 5_000) {
      const deadline = Date.now() + timeoutMs;
      while (!pattern.test(text)) {
        if (Date.now() > deadline) throw new Error(`no ${pattern} in ${JSON.stringify(text)}`);
        const { done, value } = await reader.read();
        if (done) break;
        text += new TextDecoder().decode(value);
      }
      return text;
    },
    close: () => controller.abort(),
  };
}

describe('subscriptions from GraphiQL (SSE with the Headers tab)', () => {
  it('is how the GraphiQL page is set up', async () => {
    const page = await (await fetch(`${app.url}/graphql`, { headers: { accept: 'text/html' } })).text();
    expect(page).toContain('"subscriptionsProtocol":"SSE"');
  });

  it('deliver events to a subscriber whose Authorization header is valid', async () => {
    const stream = await graphiqlSubscribe({ authorization: `Bearer ${ADMIN_TOKEN}` });
    expect(stream.response.status).toBe(200);
    expect(stream.response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    await new Promise((r) => setTimeout(r, 250)); // the subscription registers
    const run = { roomId: 'graphiql-room', roomSid: 'RM_graphiql_1' };
    expect((await app.postWebhook(roomEventBody('02-room_started', run, 1_795_510_800, 'graphiql-1'))).status).toBe(
      200,
    );
    const text = await stream.until(/"kind":"STARTED"/);
    expect(text).toContain('"roomId":"graphiql-room"');
    stream.close();
  });

  it('answer UNAUTHENTICATED without a credential', async () => {
    const stream = await graphiqlSubscribe({});
    expect(await stream.until(/UNAUTHENTICATED/)).toMatch(/Missing or invalid credentials/);
    stream.close();
  });

  it('end with UNAUTHENTICATED when the token they were opened with expires, like a socket', async () => {
    const token = await dashboardToken('graphiql-admin-less-user', { expiresAt: nowSeconds() + 2 });
    const stream = await graphiqlSubscribe({ authorization: `Bearer ${token}` });
    expect(stream.response.status).toBe(200);
    const text = await stream.until(/event: complete/, 6_000);
    expect(text).toMatch(/"code":"UNAUTHENTICATED"/);
    expect(text).toMatch(/Token expired/);
  });
});
