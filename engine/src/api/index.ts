/**
 * The one control-API contract. Electron serves it over IPC (preload exposes
 * exactly these method names), `serve` over WebSocket/HTTP. The renderer
 * imports only types from here.
 */
import type { z } from 'zod';
import type { MethodSpec } from './define.js';
import type { ApiEvent } from './events.js';
import { healthMethods } from './health.js';
import { callMethods } from './calls.js';
import { configMethods } from './config.js';
import { settingsMethods } from './settings.js';
import { recordingsMethods } from './recordings.js';
import { doctorMethods } from './doctor.js';
import { softphoneMethods } from './softphone.js';
import { integrationsMethods } from './integrations.js';

export const apiMethods = {
  ...healthMethods,
  ...callMethods,
  ...configMethods,
  ...settingsMethods,
  ...recordingsMethods,
  ...doctorMethods,
  ...softphoneMethods,
  ...integrationsMethods,
} as const;

export type ApiMethods = typeof apiMethods;
export type MethodName = keyof ApiMethods;
export type ArgsOf<M extends MethodName> = z.input<ApiMethods[M]['args']>;
export type ParsedArgsOf<M extends MethodName> = z.output<ApiMethods[M]['args']>;
export type ResultOf<M extends MethodName> = ApiMethods[M] extends MethodSpec<z.ZodType, infer R> ? R : never;

export type ApiHandler<M extends MethodName> = (args: ParsedArgsOf<M>) => Promise<ResultOf<M>> | ResultOf<M>;
export type ApiHandlers = { [M in MethodName]: ApiHandler<M> };

/** Client-side shape shared by the IPC and WebSocket clients. */
export interface ApiClient {
  invoke<M extends MethodName>(method: M, ...args: undefined extends ArgsOf<M> ? [] | [ArgsOf<M>] : [ArgsOf<M>]): Promise<ResultOf<M>>;
  subscribe(listener: (event: ApiEvent) => void): () => void;
  /** Turns an API media path (e.g. a recording's audioPath) into a URL the page can load. */
  mediaUrl(path: string): string;
}

export * from './define.js';
export * from './health.js';
export * from './calls.js';
export * from './config.js';
export * from './settings.js';
export * from './recordings.js';
export * from './doctor.js';
export * from './softphone.js';
export * from './integrations.js';
export * from './events.js';
export { API_METHOD_NAMES } from './method-names.js';
export * from './wire.js';
