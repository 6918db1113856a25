// Configuration is read once from the environment; each bad variable is named on its own line.
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config.ts';

const POSTGRES = { DATABASE_URL: 'postgres://rollcall@db.internal:5432/rollcall' };

function problemsOf(env: NodeJS.ProcessEnv): string[] {
  try {
    loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('database configuration', () => {
  it('is the embedded database in DATA_DIR without DATABASE_URL', () => {
    expect(loadConfig({ DATA_DIR: '/var/lib/rollcall' }).database).toEqual({
      kind: 'embedded',
      dir: '/var/lib/rollcall',
    });
  });

  it('is PostgreSQL with a pool of 10 and prepared statements by default', () => {
    expect(loadConfig(POSTGRES).database).toEqual({
      kind: 'postgres',
      url: POSTGRES.DATABASE_URL,
      poolSize: 10,
      preparedStatements: true,
    });
  });

  it('takes DATABASE_POOL_SIZE and DATABASE_PREPARED_STATEMENTS=false (PgBouncer in transaction mode)', () => {
    expect(
      loadConfig({ ...POSTGRES, DATABASE_POOL_SIZE: '25', DATABASE_PREPARED_STATEMENTS: 'false' }).database,
    ).toMatchObject({
      poolSize: 25,
      preparedStatements: false,
    });
  });

  it('names each bad variable with what it got', () => {
    expect(problemsOf({ ...POSTGRES, DATABASE_PREPARED_STATEMENTS: 'no', DATABASE_POOL_SIZE: '0' })).toEqual([
      expect.stringMatching(/^invalid DATABASE_POOL_SIZE: .* \(got "0"\)$/),
      expect.stringMatching(/^invalid DATABASE_PREPARED_STATEMENTS: .*"true".*"false".* \(got "no"\)$/),
    ]);
  });
});

describe('numbers', () => {
  it('an empty or blank value is the default, not 0 (PORT= would listen on a random port)', () => {
    expect(loadConfig({ PORT: '' }).port).toBe(4000);
    expect(loadConfig({ PORT: '  ' }).port).toBe(4000);
    expect(loadConfig({ PORT: '8080', RECONCILE_INTERVAL_SECONDS: '0' })).toMatchObject({
      port: 8080,
      reconcileIntervalMs: 0,
    });
  });

  it('only whole decimal numbers in range', () => {
    for (const value of ['0x10', '1e3', '4.5', '-1', '70000', 'abc']) {
      expect(problemsOf({ PORT: value }), value).toEqual([
        `invalid PORT: must be a whole number from 0 to 65535 (got ${JSON.stringify(value)})`,
      ]);
    }
  });
});

describe('rejected secrets', () => {
  it('are named but never shown, nor a URL password', () => {
    const problems = problemsOf({
      ADMIN_API_TOKEN: 'short',
      DASHBOARD_JWT_SECRET: 'mysecretvalue',
      DATABASE_URL: 'postgres//admin:hunter2@db',
    });
    expect(problems).toEqual([
      expect.stringMatching(/^invalid DATABASE_URL: .*\(got "postgres\/\/admin:\*\*\*@db"\)$/),
      'invalid ADMIN_API_TOKEN: must be at least 16 characters (got 5 characters, not shown)',
      'invalid DASHBOARD_JWT_SECRET: must be at least 32 characters (HS256 key) (got 13 characters, not shown)',
    ]);
    expect(problems.join('\n')).not.toMatch(/short|mysecretvalue|hunter2/);
  });
});
