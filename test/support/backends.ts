// Which backends the suite runs against: the embedded database and in-process bus by default;
// PostgreSQL and Redis when TEST_DATABASE_URL / TEST_REDIS_URL are given (.ci/run sets both).
export const testDatabaseUrl = process.env.TEST_DATABASE_URL || undefined;
export const testRedisUrl = process.env.TEST_REDIS_URL || undefined;
export const TEMPLATE_DATABASE = 'rollcall_test_template';

export function databaseUrlFor(name: string): string {
  const url = new URL(testDatabaseUrl!);
  url.pathname = `/${name}`;
  return url.toString();
}
