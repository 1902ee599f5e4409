/**
 * ARI call control, transports and providers (issue 3/4).
 * Placeholder service: registers no API methods yet, so the router answers
 * `not_available` for them instead of inventing data.
 */
import type { EngineContext, EngineService } from '../engine-context.js';

export function createCallService(_ctx: EngineContext): EngineService {
  return {
    name: 'calls',
    async start() {},
    async stop() {},
  };
}
