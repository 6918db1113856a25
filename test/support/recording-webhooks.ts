// PlugNMeet's two webhooks of a finished recording, for a record id of the fixtures' room run.
import { expect } from 'vitest';
import { fixtureWith } from './plugnmeet.ts';
import type { TestServer } from './server.ts';

/** Posts end_recording then recording_proceeded for `recordId`; each must be answered 200. */
export async function postRecordingDone(app: TestServer, recordId: string): Promise<void> {
  for (const [name, suffix] of [
    ['08-end_recording', 'end'],
    ['10-recording_proceeded', 'ready'],
  ] as const) {
    const body = fixtureWith(name, (e) => {
      e.id = `${recordId}-${suffix}`;
      e.recording_info.record_id = recordId;
    });
    expect((await app.postWebhook(body)).status).toBe(200);
  }
}
