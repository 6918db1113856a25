// Short builders for hand-written classes (the model's unit tests and the regression cases).
// Times are seconds after room_started.
import type { ClassEvent, RoomEventKind, Who } from './model.ts';

export interface WhoInit {
  identity: string;
  sid: string;
  /** participant.joined_at; null: absent from the body */
  joinedAt: number | null;
  isAdmin?: boolean;
  name?: string;
}

const who = (w: WhoInit): Who => ({
  identity: w.identity,
  sid: w.sid,
  joinedAt: w.joinedAt,
  isAdmin: w.isAdmin ?? false,
  name: w.name ?? `User ${w.identity}`,
});

export const room = (kind: RoomEventKind, at: number): ClassEvent => ({ kind, at });
export const joined = (at: number, w: WhoInit): ClassEvent => ({ kind: 'participant_joined', at, who: who(w) });
export const left = (at: number, w: WhoInit): ClassEvent => ({ kind: 'participant_left', at, who: who(w) });
