// Who is calling, as every part of the API sees it.

export type Viewer =
  /** the admin token, or anyone while no credential is configured (development) */
  | { kind: 'admin' }
  /** a dashboard token: `sub` is the Rollcall (LMS) user id */
  | { kind: 'user'; userId: string; managedCourseIds: ReadonlySet<string>; expiresAt: Date | null };

/** Admins see every course; a manager sees their courses; sessions of no course are admins' only. */
export function canSeeCourse(viewer: Viewer, courseId: string | null | undefined): boolean {
  if (viewer.kind === 'admin') return true;
  return !!courseId && viewer.managedCourseIds.has(courseId);
}

/**
 * Admins and the course's managers may change its settings (its attendance policy). The same people
 * as may see it today; a separate rule so that reading can widen without widening writing.
 */
export function canManageCourse(viewer: Viewer, courseId: string | null | undefined): boolean {
  if (viewer.kind === 'admin') return true;
  return !!courseId && viewer.managedCourseIds.has(courseId);
}

/** A Prisma `where` on courseId for what the viewer may list; undefined for everything. */
export function visibleCourseIds(viewer: Viewer): string[] | undefined {
  return viewer.kind === 'admin' ? undefined : [...viewer.managedCourseIds];
}
