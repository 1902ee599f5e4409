/**
 * FreePBX doctor over SSH (issue 9).
 * Placeholder service: registers no API methods yet, so the router answers
 * `not_available` for them instead of inventing data.
 */
import type { EngineContext, EngineService } from '../engine-context.js';

export function createDoctorService(_ctx: EngineContext): EngineService {
  return {
    name: 'doctor',
    async start() {},
    async stop() {},
  };
}
