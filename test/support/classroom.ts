// Plays a whole class as PlugNMeet would post it: the room starts, people join and leave (each
// connection its own participant sid), the room ends. Times are minutes after the class's start.
import { randomUUID } from 'node:crypto';
import { expect } from 'vitest';
import { participantEventBody, roomEventBody } from './plugnmeet.ts';
import type { TestServer } from './server.ts';

export interface Student {
  id: string;
  name?: string;
  /** PlugNMeet's is_admin: a moderator in the room */
  admin?: boolean;
}

export class Classroom {
  readonly run: { roomId: string; roomSid: string };
  private connections = new Map<string, number>();

  /** A run of the course's room `<slug>-<14 digits>` starting at `startUnix` (seconds). */
  constructor(
    private readonly app: TestServer,
    slug: string,
    readonly startUnix: number,
  ) {
    const stamp = new Date(startUnix * 1000).toISOString().replace(/\D/g, '').slice(0, 14);
    this.run = { roomId: `${slug}-${stamp}`, roomSid: `RM_${randomUUID().slice(0, 12)}` };
  }

  get roomId() {
    return this.run.roomId;
  }

  /** Unix seconds of `minutes` after the start. */
  at(minutes: number): number {
    return Math.round(this.startUnix + minutes * 60);
  }

  start(minutes = 0) {
    return this.post(roomEventBody('02-room_started', this.run, this.at(minutes), randomUUID()));
  }

  end(minutes: number) {
    return this.post(roomEventBody('09-room_finished', this.run, this.at(minutes), randomUUID()));
  }

  /** A new connection of the student (another tab, or a rejoin); returns its number. */
  async join(who: Student, minutes: number): Promise<number> {
    const connection = (this.connections.get(who.id) ?? 0) + 1;
    this.connections.set(who.id, connection);
    await this.post(
      this.participantBody('04-participant_joined-student', who, connection, this.at(minutes), this.at(minutes)),
    );
    return connection;
  }

  /** The student's connection (the latest by default) closes. */
  leave(who: Student, minutes: number, connection = this.connections.get(who.id) ?? 1, joinedMinutes?: number) {
    const joinedAt = joinedMinutes === undefined ? this.at(minutes) : this.at(joinedMinutes);
    return this.post(this.participantBody('07-participant_left-student', who, connection, joinedAt, this.at(minutes)));
  }

  /** A leave delivered before its join (PlugNMeet retried the join later): the span is the same. */
  async leaveBeforeJoin(who: Student, joinedMinutes: number, leftMinutes: number) {
    const connection = (this.connections.get(who.id) ?? 0) + 1;
    this.connections.set(who.id, connection);
    await this.post(
      this.participantBody(
        '07-participant_left-student',
        who,
        connection,
        this.at(joinedMinutes),
        this.at(leftMinutes),
      ),
    );
    await this.post(
      this.participantBody(
        '04-participant_joined-student',
        who,
        connection,
        this.at(joinedMinutes),
        this.at(joinedMinutes),
      ),
    );
  }

  private participantBody(fixture: string, who: Student, connection: number, joinedAt: number, createdAt: number) {
    const body = JSON.parse(
      participantEventBody(
        fixture,
        this.run,
        { identity: who.id, sid: `PA_${who.id}_${connection}`, name: who.name ?? who.id, joinedAt },
        createdAt,
        randomUUID(),
      ),
    );
    body.participant.metadata = JSON.stringify({ is_admin: !!who.admin, is_hidden: false });
    return JSON.stringify(body);
  }

  private async post(body: string) {
    const response = await this.app.postWebhook(body);
    expect(response.status, await response.clone().text()).toBe(200);
  }
}
