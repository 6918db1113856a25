#!/bin/sh
echo "rollcall: the native Prisma schema engine is not available offline." >&2
echo "rollcall: use 'npm run db:migrate' / 'npm run db:migration:create' (wasm engine) instead of 'prisma migrate'." >&2
exit 1
