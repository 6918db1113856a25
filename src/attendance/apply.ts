// Applies one PlugNMeet event to sessions and attendance inside the caller's transaction and
// returns what changed. Publishing is the caller's job, after commit.
import type { Tx } from '../db/types.ts';
import type { DomainEvent, Effect } from './events.ts';
import { recordJoin, recordLeave } from './presence.ts';
import { isBot, minDate } from './rules.ts';
import { confirmStart, endSession, findOrStartSession } from './sessions.ts';

export async function applyEvent(tx: Tx, event: DomainEvent): Promise<Effect> {
  switch (event.name) {
    case 'room_created': {
      const { session, changes } = await findOrStartSession(tx, event.room, event.at);
      return { status: 'APPLIED', message: `session ${session.id} is live`, sessionId: session.id, changes };
    }
    case 'room_started': {
      const { session, changes } = await confirmStart(tx, event.room, event.at);
      return { status: 'APPLIED', message: `session ${session.id} started`, sessionId: session.id, changes };
    }
    case 'room_finished':
    case 'session_ended': {
      const { session, changes } = await endSession(tx, event.room, event.at);
      const ended = changes.some((c) => c.type === 'session' && c.kind === 'ENDED');
      return {
        status: 'APPLIED',
        message: ended ? `session ${session.id} ended` : `session ${session.id} had already ended`,
        sessionId: session.id,
        changes,
      };
    }
    case 'participant_joined':
    case 'participant_left': {
      const who = event.participant.identity;
      // joined_at is evidence too: the run was already going when this participant joined
      const { joinedAt } = event.participant;
      const started = await findOrStartSession(tx, event.room, joinedAt ? minDate(event.at, joinedAt) : event.at, {
        beginsRun: event.name === 'participant_joined',
      });
      if (isBot(who)) {
        // not attendance, but a sign the run is going: its session exists like for any room event
        const message = `participant ${who} is a bot, not attendance`;
        return started.changes.length
          ? { status: 'APPLIED', message: `${message}; session ${started.session.id} is live`, sessionId: started.session.id, changes: started.changes }
          : { status: 'IGNORED', message, changes: [] };
      }
      const record = event.name === 'participant_joined' ? recordJoin : recordLeave;
      const changes = await record(tx, started.session, event.participant, event.at);
      const verb = event.name === 'participant_joined' ? 'joined' : 'left';
      return {
        status: 'APPLIED',
        message: changes.length
          ? `participant ${who} ${verb} session ${started.session.id}`
          : `participant ${who} ${verb}: already recorded, nothing changed`,
        sessionId: started.session.id,
        changes: [...started.changes, ...changes],
      };
    }
    default:
      throw new Error(`${event.name} is not an attendance event`);
  }
}
