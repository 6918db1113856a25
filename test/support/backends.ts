// Which backends the suite runs against: the embedded database and in-process bus by default;
// PostgreSQL and Redis when TEST_DATABASE_URL / TEST_REDIS_URL are given (.ci/run sets both).
export const testDatabaseUrl = process.env.TEST_DATABASE_URL || undefined;
export const testRedisUrl = process.env.TEST_REDIS_URL || undefined;
/** One template per test run (runs on one PostgreSQL server must not share it). */
export const templateDatabaseName = () => `rollcall_test_template_${process.pid}`;

export function databaseUrlFor(name: string): string {
  const url = new URL(testDatabaseUrl!);
  url.pathname = `/${name}`;
  return url.toString();
}
