// The entry point (`npm start`, `node dist/main.js`): V8's settings first, then the service process,
// loaded afterwards so that loading it is already done under those settings.
import { applyStartUpV8Settings } from './v8-settings.ts';

applyStartUpV8Settings();
await import('./server-process.ts');
