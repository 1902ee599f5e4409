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
}

export interface HealthReport {
  status: 'healthy' | 'degraded';
  ari_connected: boolean;
  ari_reason?: string;
  transports: Record<string, TransportHealth>;
  providers: Record<string, ProviderHealth>;
  active_calls: number;
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
