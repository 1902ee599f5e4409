/**
 * Building blocks of the control-API contract. A method is a name, a kind
 * (query: reads, command: changes something) and a zod schema for its
 * arguments; its result type rides along as a phantom type parameter.
 * Both transports (Electron IPC and serve's WebSocket/HTTP) validate
 * arguments against these schemas before any handler runs.
 */
import { z } from 'zod';

export type MethodKind = 'query' | 'command';

export interface MethodSpec<A extends z.ZodType = z.ZodType, R = unknown> {
  readonly kind: MethodKind;
  readonly args: A;
  /** Phantom: never set at run time, carries the result type. */
  readonly _result?: R;
}

export const noArgs = z.object({}).strict().optional();

export function query<R>() {
  return <A extends z.ZodType>(args: A): MethodSpec<A, R> => ({ kind: 'query', args });
}

export function command<R>() {
  return <A extends z.ZodType>(args: A): MethodSpec<A, R> => ({ kind: 'command', args });
}

/** Errors crossing the contract: a stable code, a message, and optionally the config path at fault. */
export interface ApiErrorBody {
  code: ApiErrorCode;
  message: string;
  path?: string;
  issues?: { path: string; message: string }[];
}

export type ApiErrorCode =
  | 'bad_request'
  | 'not_found'
  | 'not_available'
  | 'invalid_config'
  | 'conflict'
  | 'unauthorized'
  | 'internal';

export class ApiError extends Error {
  constructor(
    readonly code: ApiErrorCode,
    message: string,
    readonly extra: Omit<ApiErrorBody, 'code' | 'message'> = {},
  ) {
    super(message);
    this.name = 'ApiError';
  }
  toBody(): ApiErrorBody {
    return { code: this.code, message: this.message, ...this.extra };
  }
}
