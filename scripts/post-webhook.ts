// npm run webhook:post -- <body.json>... [--url http://127.0.0.1:4000]
// Signs each file's exact bytes as PlugNMeet does (HS256 JWT, iss = API key, sha256 claim of the
// body) with PLUGNMEET_API_KEY/PLUGNMEET_API_SECRET (or the development values) and posts it.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { SignJWT } from 'jose';
import { loadConfig } from '../src/config.ts';

const args = process.argv.slice(2);
const urlFlag = args.indexOf('--url');
const config = loadConfig();
const base = urlFlag >= 0 ? args.splice(urlFlag, 2)[1] : `http://${config.host}:${config.port}`;
if (args.length === 0) {
  console.error('usage: npm run webhook:post -- <body.json>... [--url http://127.0.0.1:4000]');
  process.exit(2);
}

/** The mistakes a user makes (a wrong path, no server listening) in one line, not a stack trace. */
function fail(message: string): never {
  console.error(`webhook:post: ${message}`);
  process.exit(1);
}

for (const file of args) {
  let body: string;
  try {
    body = readFileSync(file, 'utf8').trim();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    fail(code === 'ENOENT' ? `${file}: no such file` : `${file}: cannot read it (${code ?? (error as Error).message})`);
  }
  const now = Math.floor(Date.now() / 1000);
  const token = await new SignJWT({ sha256: createHash('sha256').update(body).digest('base64') })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setIssuer(config.plugnmeet.apiKey)
    .setIssuedAt(now)
    .setNotBefore(now)
    .setExpirationTime(now + 300)
    .sign(new TextEncoder().encode(config.plugnmeet.apiSecret));
  const response = await fetch(`${base}/webhooks/plugnmeet`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: token, 'hash-token': token },
    body,
  }).catch((error: Error & { cause?: { code?: string } }) =>
    fail(
      error.cause?.code === 'ECONNREFUSED'
        ? `nothing is listening at ${base} (is Rollcall running? --url sets the address)`
        : `cannot reach ${base}: ${error.cause?.code ?? error.message}`,
    ),
  );
  console.log(`${file}: ${response.status} ${await response.text()}`);
}
