// The table of people in a session: one row per attendance, then the roster's absentees.
import { duration, clock, personName, VERDICT_LABELS } from './format.ts';
import type { AttendanceRowFragment } from './graphql/graphql.ts';

export type Row = AttendanceRowFragment & { receivedAt: number };

/** Attended time as of now: an open span keeps counting after the server measured it. */
const attendedNow = (row: Row, live: boolean, now: number) =>
  row.attendedSeconds + (live && row.isOnline ? Math.max(0, (now - row.receivedAt) / 1000) : 0);

const byPresence = (a: Row, b: Row) =>
  Number(b.isOnline) - Number(a.isOnline) || personName(a.user).localeCompare(personName(b.user));

export function People({
  rows,
  absentees,
  live,
  now,
}: {
  rows: Row[];
  absentees: { id: string; name: string | null }[];
  live: boolean;
  now: number;
}) {
  const online = rows.filter((r) => r.isOnline).length;
  return (
    <section aria-labelledby="people-title">
      <h2 id="people-title">
        People{' '}
        <span class="muted">
          {online} online · {rows.length} attended · {absentees.length} absent
        </span>
      </h2>
      {/* biome-ignore lint/a11y/noNoninteractiveTabindex: a scrollable region must be reachable by keyboard */}
      <section class="table-scroll" tabIndex={0} aria-labelledby="people-title">
        <table class="people">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Status</th>
              <th scope="col">Attended</th>
              <th scope="col">{live ? 'Verdict so far' : 'Verdict'}</th>
              <th scope="col">Role</th>
              <th scope="col">First joined</th>
              <th scope="col">Camera</th>
              <th scope="col">Microphone</th>
              <th scope="col">Screen</th>
              <th scope="col">Talk</th>
              <th scope="col">Chat</th>
              <th scope="col">Hands</th>
            </tr>
          </thead>
          <tbody>
            {[...rows].sort(byPresence).map((row) => (
              <tr key={row.id} data-user-id={row.user.id} data-online={String(row.isOnline)} data-verdict={row.verdict}>
                <th scope="row">{personName(row.user)}</th>
                <td>
                  <span class={`state ${row.isOnline ? 'online' : 'offline'}`}>
                    {row.isOnline ? 'Online' : 'Offline'}
                  </span>
                </td>
                <td data-attended>{duration(attendedNow(row, live, now))}</td>
                <td>
                  <span class={`verdict ${row.verdict.toLowerCase()}`}>{VERDICT_LABELS[row.verdict]}</span>
                </td>
                <td>{row.role === 'MODERATOR' ? 'Moderator' : 'Participant'}</td>
                <td>{clock(row.firstJoinedAt)}</td>
                <td>{duration(row.media.cameraSeconds)}</td>
                <td>{duration(row.media.microphoneSeconds)}</td>
                <td>{duration(row.media.screenShareSeconds)}</td>
                <td>{row.engagement ? duration(row.engagement.talkSeconds) : '—'}</td>
                <td>{row.engagement ? row.engagement.chatMessages : '—'}</td>
                <td>{row.engagement ? row.engagement.raisedHands : '—'}</td>
              </tr>
            ))}
            {absentees.map((user) => (
              <tr
                key={`absent-${user.id}`}
                data-user-id={user.id}
                data-online="false"
                data-verdict="ABSENT"
                class="absentee"
              >
                <th scope="row">{personName(user)}</th>
                <td>
                  <span class="state offline">Not joined</span>
                </td>
                <td>0:00</td>
                <td>
                  <span class="verdict absent">{VERDICT_LABELS.ABSENT}</span>
                </td>
                <td colSpan={8} class="muted">
                  enrolled, never joined
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
    </section>
  );
}
