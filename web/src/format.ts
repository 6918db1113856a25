// How times read on the page: durations as h:mm:ss, moments in the teacher's own locale and zone.
export function duration(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const rest = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${rest}` : `${m}:${rest}`;
}

const time = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit' });
const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

export const clock = (iso: string | null | undefined) => (iso ? time.format(new Date(iso)) : '—');
export const when = (iso: string | null | undefined) => (iso ? dateTime.format(new Date(iso)) : '—');

export const VERDICT_LABELS: Record<string, string> = {
  PRESENT: 'Present',
  LATE: 'Late',
  LEFT_EARLY: 'Left early',
  ABSENT: 'Absent',
};

export const personName = (user: { id: string; name: string | null }) => user.name || user.id;
