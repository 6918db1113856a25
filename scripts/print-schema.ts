// npm run schema:print: writes schema.graphql from the Pothos schema (the API's one source of truth).
import { writeFileSync } from 'node:fs';
import { printSchema } from 'graphql';
import { printableSchema } from '../src/graphql/schema.ts';

export const SCHEMA_FILE = new URL('../schema.graphql', import.meta.url);

writeFileSync(SCHEMA_FILE, `${printSchema(printableSchema())}\n`);
console.log('wrote schema.graphql');
