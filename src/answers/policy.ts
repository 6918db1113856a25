// A course's attendance policy: read (the defaults when it has none) and changed (admins and the
// course's managers; the GraphQL layer checks who).
import { DomainError } from '../attendance/courses.ts';
import type { Change } from '../attendance/events.ts';
import { withRetry } from '../db/retry.ts';
import type { PrismaClient } from '../db/types.ts';
import { courseBySlug, updatedLiveSessions } from './course-changes.ts';
import { DEFAULT_POLICY, type AttendancePolicy } from './verdict.ts';

/** The columns of a stored policy, for Prisma selections. */
export const POLICY_SELECT = {
  minAttendedPercent: true,
  lateAfterMinutes: true,
  leftEarlyMinutes: true,
  minCameraPercent: true,
  minTalkSeconds: true,
} as const;

/** A course's policy as stored (null: none stored) with the defaults for what is not. */
export function policyOf(stored: AttendancePolicy | null | undefined): AttendancePolicy {
  if (!stored) return DEFAULT_POLICY;
  const { minAttendedPercent, lateAfterMinutes, leftEarlyMinutes, minCameraPercent, minTalkSeconds } = stored;
  return { minAttendedPercent, lateAfterMinutes, leftEarlyMinutes, minCameraPercent, minTalkSeconds };
}

export type PolicyInput = { [K in keyof AttendancePolicy]?: number | null };

const LIMITS: Record<keyof AttendancePolicy, { min: number; max: number; what: string }> = {
  minAttendedPercent: { min: 0, max: 100, what: 'a percentage from 0 to 100' },
  lateAfterMinutes: { min: 0, max: Number.MAX_SAFE_INTEGER, what: '0 or more minutes' },
  leftEarlyMinutes: { min: 0, max: Number.MAX_SAFE_INTEGER, what: '0 or more minutes' },
  minCameraPercent: { min: 0, max: 100, what: 'a percentage from 0 to 100' },
  minTalkSeconds: { min: 0, max: Number.MAX_SAFE_INTEGER, what: '0 or more seconds' },
};

/** The fields given (null or absent: unchanged), each checked; every problem in one message. */
export function checkPolicyInput(input: PolicyInput): Partial<AttendancePolicy> {
  const given: Partial<AttendancePolicy> = {};
  const problems: string[] = [];
  for (const key of Object.keys(LIMITS) as Array<keyof AttendancePolicy>) {
    const value = input[key];
    if (value === undefined || value === null) continue;
    const { min, max, what } = LIMITS[key];
    if (!Number.isInteger(value) || value < min || value > max) problems.push(`${key} must be ${what} (got ${value})`);
    else given[key] = value;
  }
  if (problems.length) throw new DomainError(problems.join('; '), 'BAD_USER_INPUT');
  if (Object.keys(given).length === 0) {
    throw new DomainError(`give at least one of ${Object.keys(LIMITS).join(', ')}`, 'BAD_USER_INPUT');
  }
  return given;
}

/**
 * Sets the given thresholds of a course's policy (the others keep their value, or their default).
 * Returns the UPDATED changes of its sessions not ended when a value changed: their verdicts did.
 */
export async function setAttendancePolicy(
  prisma: PrismaClient,
  input: { courseSlug: string } & PolicyInput,
): Promise<{ courseId: string; policy: AttendancePolicy; changes: Change[] }> {
  const given = checkPolicyInput(input);
  return withRetry(() =>
    prisma.$transaction(async (tx) => {
      const course = await courseBySlug(tx, input.courseSlug);
      const before = policyOf(
        await tx.attendancePolicy.findUnique({ where: { courseId: course.id }, select: POLICY_SELECT }),
      );
      // only the given fields are written: two managers changing different thresholds at once both win
      const after = policyOf(
        await tx.attendancePolicy.upsert({
          where: { courseId: course.id },
          create: { courseId: course.id, ...DEFAULT_POLICY, ...given },
          update: given,
          select: POLICY_SELECT,
        }),
      );
      const changed = (Object.keys(after) as Array<keyof AttendancePolicy>).some((key) => after[key] !== before[key]);
      return { courseId: course.id, policy: after, changes: changed ? await updatedLiveSessions(tx, course.id) : [] };
    }),
  );
}
