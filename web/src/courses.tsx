// The courses the teacher may read, and one course's sessions, kept current as sessions start and end.
import { useEffect, useState } from 'preact/hooks';
import { download, query, subscribe } from './api.ts';
import { CourseSessionsQuery, SessionsCursorQuery, SessionUpdates } from './documents.ts';
import { duration, when } from './format.ts';
import type { PageCourseSessionsQuery, SessionSummaryFragment } from './graphql/graphql.ts';
import { hrefOf } from './router.ts';

export function CoursesPage({ courses }: { courses: readonly { id: string; slug: string; title: string }[] }) {
  return (
    <section aria-labelledby="courses-title">
      <h1 id="courses-title">Your courses</h1>
      {courses.length === 0 ? (
        <p>No course is visible to you. Ask your school to make you a manager of your courses.</p>
      ) : (
        <ul class="cards">
          {courses.map((course) => (
            <li key={course.id}>
              <a href={hrefOf.course(course.slug)}>{course.title}</a> <span class="muted">{course.slug}</span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

type Course = NonNullable<PageCourseSessionsQuery['course']>;

const byNewest = (a: SessionSummaryFragment, b: SessionSummaryFragment) =>
  Number(b.isLive) - Number(a.isLive) || (b.startedAt ?? '').localeCompare(a.startedAt ?? '');

export function CoursePage({ slug }: { slug: string }) {
  const [course, setCourse] = useState<Course | null | undefined>(undefined);
  const [problem, setProblem] = useState<string | null>(null);
  const [generation, setGeneration] = useState(0);

  useEffect(() => {
    let stop = () => {};
    let cancelled = false;
    (async () => {
      const { liveSessionCursor } = await query(SessionsCursorQuery, {});
      const data = await query(CourseSessionsQuery, { slug });
      if (cancelled) return;
      setCourse(data.course);
      if (!data.course) return;
      stop = subscribe(
        SessionUpdates,
        { courseId: data.course.id, after: liveSessionCursor },
        (v) => v.liveSessionChanged.cursor,
        {
          next: ({ liveSessionChanged: { session } }) =>
            setCourse(
              (c) =>
                c && {
                  ...c,
                  liveSessions: [session, ...c.liveSessions.filter((s) => s.id !== session.id)].sort(byNewest),
                },
            ),
          failed: () => setGeneration((g) => g + 1), // the cursor expired or the stream broke: load again
        },
      );
    })().catch((error: Error) => setProblem(error.message));
    return () => {
      cancelled = true;
      stop();
    };
  }, [slug, generation]);

  if (problem)
    return (
      <p role="alert" class="problem">
        {problem}
      </p>
    );
  if (course === undefined) return <p aria-busy="true">Loading…</p>;
  if (course === null)
    return (
      <p role="alert" class="problem">
        No course {slug}.
      </p>
    );
  const live = course.liveSessions.filter((s) => s.isLive);
  const past = course.liveSessions.filter((s) => !s.isLive);
  return (
    <section aria-labelledby="course-title">
      <nav class="crumbs" aria-label="Breadcrumb">
        <a href={hrefOf.courses()}>Courses</a>
      </nav>
      <h1 id="course-title">{course.title}</h1>
      <ReportExport slug={course.slug} />
      <h2>Live now</h2>
      {live.length === 0 ? <p>No session of this course is live.</p> : <SessionList sessions={live} />}
      <h2>Past and scheduled sessions</h2>
      {past.length === 0 ? <p>None yet.</p> : <SessionList sessions={past} />}
    </section>
  );
}

function SessionList({ sessions }: { sessions: SessionSummaryFragment[] }) {
  return (
    <ul class="cards sessions">
      {sessions.map((s) => (
        <li key={s.id} data-session-id={s.id} data-live={String(s.isLive)}>
          <a href={hrefOf.session(s.id)}>{s.subject || s.roomId}</a>
          <span class="muted">
            {s.startedAt ? when(s.startedAt) : 'not started'}
            {s.isLive
              ? ` · ${s.onlineCount} online`
              : s.endedAt && s.startedAt
                ? ` · ${duration((Date.parse(s.endedAt) - Date.parse(s.startedAt)) / 1000)}${s.endInferred ? ' (end inferred)' : ''}`
                : ''}
          </span>
        </li>
      ))}
    </ul>
  );
}

function ReportExport({ slug }: { slug: string }) {
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [problem, setProblem] = useState<string | null>(null);
  const params = new URLSearchParams({ ...(from ? { from } : {}), ...(to ? { to } : {}) }).toString();
  return (
    <form
      class="export"
      onSubmit={(event) => {
        event.preventDefault();
        setProblem(null);
        download(
          `/exports/courses/${encodeURIComponent(slug)}.csv${params ? `?${params}` : ''}`,
          `${slug}-report.csv`,
        ).catch((e: Error) => setProblem(e.message));
      }}
    >
      <label>
        From <input type="date" value={from} onInput={(e) => setFrom((e.target as HTMLInputElement).value)} />
      </label>
      <label>
        To <input type="date" value={to} onInput={(e) => setTo((e.target as HTMLInputElement).value)} />
      </label>
      <button type="submit">Export the course report (CSV)</button>
      {problem && (
        <span role="alert" class="problem">
          {problem}
        </span>
      )}
    </form>
  );
}
