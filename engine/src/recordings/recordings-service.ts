/**
 * recordings sync and analysis (issue 5).
 * Placeholder service: registers no API methods yet, so the router answers
 * `not_available` for them instead of inventing data.
 */
import type { EngineContext, EngineService } from '../engine-context.js';

export function createRecordingsService(_ctx: EngineContext): EngineService {
  return {
    name: 'recordings',
    async start() {},
    async stop() {},
  };
}
