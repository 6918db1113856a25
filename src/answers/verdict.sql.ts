// The verdict rule in SQL, for the course report (report.ts), which judges every student in every
// session in one statement. The same rule as verdict.ts, entry for entry and in the same order; a
// property test compares the two on generated inputs. A plain IMMUTABLE SQL function: the planner
// inlines it into the report's query.
//
// Seconds and minutes are compared in numeric, as the TypeScript compares them in whole numbers: no
// rounding, no integer overflow for large thresholds.
export const VERDICT_SQL = [
  /* sql */ `
CREATE OR REPLACE FUNCTION rollcall_duration_seconds_{v}(started_at timestamp(3), until timestamp(3)) RETURNS bigint
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT GREATEST(0, floor(extract(epoch FROM until - started_at)))::bigint
$$`,

  /* sql */ `
CREATE OR REPLACE FUNCTION rollcall_verdict_{v}(
  attended_seconds bigint, started_at timestamp(3), until timestamp(3), ended boolean,
  first_joined_at timestamp(3), last_left_at timestamp(3),
  min_attended_percent integer, late_after_minutes integer, left_early_minutes integer
) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT CASE
    WHEN attended_seconds::numeric * 100 < min_attended_percent::numeric * rollcall_duration_seconds_{v}(started_at, until)
      THEN 'ABSENT'
    WHEN extract(epoch FROM first_joined_at - started_at) > late_after_minutes::numeric * 60
      THEN 'LATE'
    WHEN ended AND last_left_at IS NOT NULL AND extract(epoch FROM until - last_left_at) > left_early_minutes::numeric * 60
      THEN 'LEFT_EARLY'
    ELSE 'PRESENT'
  END
$$`,
];
