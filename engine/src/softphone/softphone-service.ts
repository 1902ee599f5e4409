/**
 * softphone account and test-call reports (issue 7).
 * Placeholder service: registers no API methods yet, so the router answers
 * `not_available` for them instead of inventing data.
 */
import type { EngineContext, EngineService } from '../engine-context.js';

export function createSoftphoneService(_ctx: EngineContext): EngineService {
  return {
    name: 'softphone',
    async start() {},
    async stop() {},
  };
}
