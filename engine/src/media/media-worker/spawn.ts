/**
 * Starts a media worker thread on worker-main: the compiled .js next to this
 * file, or under tsx (the CLI, the tests) the .ts source with tsx's loader
 * registered inside the worker first (a worker does not inherit the loader).
 */
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { MediaWorkerData } from './protocol.js';

const BOOT = `
const { workerData } = require('node:worker_threads');
(async () => {
  if (workerData.tsx) (await import(workerData.tsx)).register();
  await import(workerData.entry);
})().catch((err) => setImmediate(() => { throw err; }));
`;

export function spawnMediaWorker(data: Omit<MediaWorkerData, 'entry' | 'tsx'>): Worker {
  const here = import.meta.url;
  const typescript = here.endsWith('.ts');
  const entry = new URL(typescript ? './worker-main.ts' : './worker-main.js', here).href;
  // tsx's ESM register API (its `import` export; createRequire resolves the CommonJS twin next to it).
  const tsx = typescript ? pathToFileURL(createRequire(here).resolve('tsx/esm/api').replace(/\.cjs$/, '.mjs')).href : undefined;
  const workerData: MediaWorkerData = { ...data, entry, ...(tsx ? { tsx } : {}) };
  return new Worker(BOOT, { eval: true, workerData, name: `aava-media-${data.index}` });
}
