// One session, live: who is online, attended time counting up, verdicts, media and engagement,
// absentees, a join/leave timeline, exports and recordings. It loads a snapshot after reading the
// room's cursor, then follows attendanceChanged from that cursor: nothing committed in between is lost,
// and a reconnect resumes from the last change received.
import { useEffect, useState } from 'preact/hooks';
import { type ApiError, download, query, subscribe } from './api.ts';
import {
  AttendanceCursorQuery,
  AttendanceUpdates,
  RoomSessionQuery,
  SessionByIdQuery,
  SessionRoomQuery,
  SessionsCursorQuery,
  SessionUpdates,
} from './documents.ts';
import { clock, duration, personName, when } from './format.ts';
import type { AttendanceRowFragment, SessionDetailFragment } from './graphql/graphql.ts';
import { hrefOf } from './router.ts';
import { People, type Row } from './people.tsx';

type Session = Omit<SessionDetailFragment, 'attendances'>;
type By = { id: string } | { roomId: string };

/** Verdicts depend on the clock while a session runs: the page refreshes them this often. */
const VERDICT_REFRESH_MS = 60_000;

async function load(
  by: By,
): Promise<{ session: SessionDetailFragment | null; cursors: { room: string; sessions: string } | null }> {
  // the cursors are read first: the snapshot then holds at least what they point at
  const roomId = 'roomId' in by ? by.roomId : (await query(SessionRoomQuery, { id: by.id })).session?.roomId;
  if (!roomId) return { session: null, cursors: null };
  const [{ attendanceCursor }, { liveSessionCursor }] = await Promise.all([
    query(AttendanceCursorQuery, { roomId }),
    query(SessionsCursorQuery, {}),
  ]);
  const session =
    'id' in by
      ? (await query(SessionByIdQuery, { id: by.id })).session
      : (await query(RoomSessionQuery, { roomId })).liveSession;
  return { session, cursors: { room: attendanceCursor, sessions: liveSessionCursor } };
}

const toRows = (list: readonly AttendanceRowFragment[], at: number) =>
  new Map(list.map((a) => [a.id, { ...a, receivedAt: at }]));

export function SessionPage({ by }: { by: By }) {
  const [session, setSession] = useState<Session | null | undefined>(undefined);
  const [rows, setRows] = useState<Map<string, Row>>(new Map());
  const [problem, setProblem] = useState<string | null>(null);
  const [generation, setGeneration] = useState(0);
  const [now, setNow] = useState(Date.now());
  const reload = () => setGeneration((g) => g + 1);

  useEffect(() => {
    const stops: Array<() => void> = [];
    let cancelled = false;
    load(by)
      .then(({ session: loaded, cursors }) => {
        if (cancelled) return;
        setProblem(null);
        if (!loaded || !cursors) {
          setSession(null);
          return;
        }
        const { attendances, ...rest } = loaded;
        setSession(rest);
        setRows(toRows(attendances, Date.now()));
        const failed = (error: ApiError) => (error.code === 'UNAUTHENTICATED' ? setProblem(error.message) : reload());
        stops.push(
          subscribe(
            AttendanceUpdates,
            { roomId: loaded.roomId, after: cursors.room },
            (v) => v.attendanceChanged.cursor,
            {
              next: ({ attendanceChanged: change }) => {
                if (change.session.id !== loaded.id) {
                  // the room's next run started: a page opened by room follows it
                  if ('roomId' in by && change.session.isLive) reload();
                  return;
                }
                setRows((current) =>
                  new Map(current).set(change.attendance.id, { ...change.attendance, receivedAt: Date.now() }),
                );
                setSession(
                  (s) =>
                    s && {
                      ...s,
                      ...change.session,
                      absentees: s.absentees.filter((u) => u.id !== change.attendance.user.id),
                    },
                );
              },
              failed,
            },
          ),
          subscribe(
            SessionUpdates,
            { courseId: loaded.course?.id ?? null, after: cursors.sessions },
            (v) => v.liveSessionChanged.cursor,
            {
              // an end closes every span and settles verdicts, a policy or roster change moves them
              next: ({ liveSessionChanged: change }) => {
                if (change.session.id === loaded.id || ('roomId' in by && change.session.roomId === by.roomId))
                  reload();
              },
              failed,
            },
          ),
        );
        if (loaded.isLive) {
          const timer = setTimeout(reload, VERDICT_REFRESH_MS);
          stops.push(() => clearTimeout(timer));
        }
      })
      .catch((error: Error) => !cancelled && setProblem(error.message));
    return () => {
      cancelled = true;
      for (const stop of stops) stop();
    };
  }, [generation]);

  useEffect(() => {
    if (!session?.isLive) return;
    const timer = setInterval(() => setNow(Date.now()), 1_000);
    return () => clearInterval(timer);
  }, [session?.isLive]);

  if (problem)
    return (
      <p role="alert" class="problem">
        {problem}
      </p>
    );
  if (session === undefined) return <p aria-busy="true">Loading…</p>;
  if (session === null)
    return (
      <p role="alert" class="problem">
        No session here yet.
      </p>
    );

  const title = session.subject || session.roomId;
  const attendances = [...rows.values()];
  return (
    <section aria-labelledby="session-title">
      <nav class="crumbs" aria-label="Breadcrumb">
        <a href={hrefOf.courses()}>Courses</a>
        {session.course && (
          <>
            {' / '}
            <a href={hrefOf.course(session.course.slug)}>{session.course.title}</a>
          </>
        )}
      </nav>
      <h1 id="session-title">{title}</h1>
      <p class="summary" data-live={String(session.isLive)}>
        {session.isLive ? (
          <>
            <strong class="live-dot">Live</strong> since {when(session.startedAt)} ·{' '}
            <span data-online-count>{session.onlineCount}</span> online
          </>
        ) : session.endedAt ? (
          <>
            Ended {when(session.endedAt)}
            {session.endInferred ? ' (inferred: nobody was online for a while)' : ''} · started{' '}
            {when(session.startedAt)}
          </>
        ) : (
          'Not started'
        )}
      </p>
      <SessionExport id={session.id} name={title} />
      <People rows={attendances} absentees={session.absentees} live={session.isLive} now={now} />
      <Timeline rows={attendances} />
      <Recordings recordings={session.recordings} />
    </section>
  );
}

function SessionExport({ id, name }: { id: string; name: string }) {
  const [problem, setProblem] = useState<string | null>(null);
  return (
    <p class="export">
      <button
        type="button"
        onClick={() =>
          download(`/exports/sessions/${encodeURIComponent(id)}.csv`, `${name}.csv`).catch((e: Error) =>
            setProblem(e.message),
          )
        }
      >
        Export this session (CSV)
      </button>
      {problem && (
        <span role="alert" class="problem">
          {problem}
        </span>
      )}
    </p>
  );
}

function Timeline({ rows }: { rows: Row[] }) {
  const moments = rows
    .flatMap((row) =>
      row.spans.flatMap((span) => [
        { at: span.joinedAt, text: `${personName(row.user)} joined` },
        ...(span.leftAt ? [{ at: span.leftAt, text: `${personName(row.user)} left` }] : []),
      ]),
    )
    .sort((a, b) => b.at.localeCompare(a.at))
    .slice(0, 50);
  return (
    <section aria-labelledby="timeline-title">
      <h2 id="timeline-title">Timeline</h2>
      {moments.length === 0 ? (
        <p>Nobody has joined yet.</p>
      ) : (
        <ol class="timeline" reversed>
          {moments.map((m, i) => (
            <li key={`${m.at}-${i}`}>
              <time dateTime={m.at}>{clock(m.at)}</time> {m.text}
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}

function Recordings({ recordings }: { recordings: Session['recordings'] }) {
  if (recordings.length === 0) return null;
  return (
    <section aria-labelledby="recordings-title">
      <h2 id="recordings-title">Recordings</h2>
      <ul class="cards">
        {recordings.map((r) => (
          <li key={r.id} data-recording-id={r.id} data-status={r.status}>
            <strong>{r.title}</strong>{' '}
            <span class="muted">
              {r.status === 'READY'
                ? r.durationSeconds
                  ? duration(r.durationSeconds)
                  : 'ready'
                : r.status.toLowerCase()}
            </span>
            {r.playbackUrl && (
              // biome-ignore lint/a11y/useMediaCaption: PlugNMeet recordings come without captions
              <video controls preload="metadata" src={r.playbackUrl} aria-label={`Recording ${r.title}`} />
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}
