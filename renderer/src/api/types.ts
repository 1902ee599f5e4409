import type { ApiClient } from './contract';

export type ConnectionState =
  | { status: 'connecting'; attempt: number }
  | { status: 'open' }
  | { status: 'closed'; attempt: number; retryInMs: number; reason: string };

/** The contract's ApiClient plus what a dashboard needs to show the link itself. */
export interface DashboardClient extends ApiClient {
  readonly kind: 'ipc' | 'ws' | 'fake';
  connection(): ConnectionState;
  onConnection(listener: (state: ConnectionState) => void): () => void;
  close(): void;
}
