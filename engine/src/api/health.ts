import { query, noArgs } from './define.js';

export interface ProviderHealth {
  ready: boolean;
  reason?: string;
  /** 'provider' or 'pipeline' */
  kind: 'provider' | 'pipeline';
  type: string;
  lastError?: string;
}

export interface TransportHealth {
  listening: boolean;
  bind: string;
  advertise: string;
  reason?: string;
  /** Listening, but something is short of what was configured (e.g. the media workers' priority). */
  warning?: string;
}

/** The last reconcile with the PBX (run on every ARI connect): what it found left behind and removed. */
export interface ReconcileReport {
  at: string;
  /** false on the first connect after start. */
  reconnect: boolean;
  reclaimed: {
    /** Our bridges no live call owned (destroyed). */
    bridges: number;
    /** Callers in our Stasis app no live call owned (orphaned_calls: continue or hangup). */
    callers: number;
    /** Our media legs without a call (hung up). */
    media_legs: number;
    /** Live calls closed because their caller or media leg had vanished. */
    calls: number;
  };
  duration_ms: number;
  /** Set when the PBX could not be listed (nothing was reclaimed). */
  error?: string;
}

export interface HealthReport {
  status: 'healthy' | 'degraded';
  ari_connected: boolean;
  ari_reason?: string;
  transports: Record<string, TransportHealth>;
  providers: Record<string, ProviderHealth>;
  active_calls: number;
  last_reconcile?: ReconcileReport;
  uptime_seconds: number;
  config_loaded_at: string;
  config_path: string;
  config_error?: string;
  secret_store: 'keychain' | 'file' | 'env';
  recordings?: {
    enabled: boolean;
    last_sync_at?: string;
    last_result?: 'ok' | 'failed' | 'running';
    last_error?: string;
  };
  version: string;
}

export const healthMethods = {
  'health.get': query<HealthReport>()(noArgs),
};
