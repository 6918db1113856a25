// Routes each event Rollcall acts on to the domain that applies it.
import { applyEvent } from '../attendance/apply.ts';
import type { DomainEvent, Effect } from '../attendance/events.ts';
import type { Tx } from '../db/types.ts';
import { applyRecordingEvent } from '../recordings/apply.ts';

export function dispatch(tx: Tx, event: DomainEvent): Promise<Effect> {
  switch (event.name) {
    case 'end_recording':
    case 'recording_proceeded':
      return applyRecordingEvent(tx, event);
    default:
      return applyEvent(tx, event);
  }
}
