/**
 * The engine's public entry point for a host that runs it in-process
 * (Electron's main process). Together with the control-API contract
 * (`api/`), this is all a host may import; ESLint holds electron/ to it.
 * `serve` and the other CLI commands enter through cli/main.ts.
 */
export { createEngine, DEFAULT_SERVICES, type Engine, type EngineOptions } from './engine.js';
export type { EngineService, ServiceFactory } from './engine-context.js';
export { loadConfigFile } from './config/load.js';
export type { SecretStore } from './secrets/secret-store.js';
export { FileSecretStore } from './secrets/file-secret-store.js';
export { createLogger, registerSecretValue } from './observability/logger.js';
