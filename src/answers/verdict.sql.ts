// The verdict rule in SQL, for the course report (report.ts), which judges every attendance of a
// course in one statement. The same rule as verdict.ts, entry for entry and in the same order; a
// property test compares the two on generated inputs. A plain IMMUTABLE SQL function: the planner
// inlines it into the report's query.
//
// It takes what the report has at hand per attendance: the session's duration in whole seconds
// (rounded down, computed once per session), and how late the first join and how early the last
// leave were, as intervals. Intervals compare exactly (microseconds), and `n * interval '1 minute'`
// holds any threshold an Int can give; the wasm build of PostgreSQL pays dearly for numeric.
export const VERDICT_SQL = [
  /* sql */ `
CREATE OR REPLACE FUNCTION rollcall_duration_seconds_{v}(started_at timestamp(3), until timestamp(3)) RETURNS bigint
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT GREATEST(0, floor(date_part('epoch', until - started_at)))::bigint
$$`,

  /* sql */ `
CREATE OR REPLACE FUNCTION rollcall_verdict_{v}(
  attended_seconds bigint, duration_seconds bigint, ended boolean,
  late_by interval, early_by interval, camera_seconds bigint, talk_seconds bigint,
  min_attended_percent integer, late_after_minutes integer, left_early_minutes integer,
  min_camera_percent integer, min_talk_seconds integer
) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE
    WHEN attended_seconds * 100 < min_attended_percent * duration_seconds THEN 'ABSENT'
    WHEN camera_seconds * 100 < min_camera_percent * attended_seconds THEN 'ABSENT'
    WHEN talk_seconds < min_talk_seconds THEN 'ABSENT'
    WHEN late_by > late_after_minutes * interval '1 minute' THEN 'LATE'
    WHEN ended AND early_by > left_early_minutes * interval '1 minute' THEN 'LEFT_EARLY'
    ELSE 'PRESENT'
  END
$$`,
];
