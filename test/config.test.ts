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
    expect(loadConfig({ DATA_DIR: '/var/lib/rollcall' }).database).toEqual({ kind: 'embedded', dir: '/var/lib/rollcall' });
  });

  it('is PostgreSQL with a pool of 10 and prepared statements by default', () => {
    expect(loadConfig(POSTGRES).database).toEqual({ kind: 'postgres', url: POSTGRES.DATABASE_URL, poolSize: 10, preparedStatements: true });
  });

  it('takes DATABASE_POOL_SIZE and DATABASE_PREPARED_STATEMENTS=false (PgBouncer in transaction mode)', () => {
    expect(loadConfig({ ...POSTGRES, DATABASE_POOL_SIZE: '25', DATABASE_PREPARED_STATEMENTS: 'false' }).database).toMatchObject({
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
