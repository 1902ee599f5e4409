import { z } from 'zod';
import { query, command, noArgs } from './define.js';

export type RecordingDirection = 'out' | 'in' | 'internal' | 'external' | 'q' | 'rg' | 'conf' | 'exten' | 'ondemand';
export type RecordingStatus = 'pending' | 'downloaded' | 'analyzing' | 'analyzed' | 'failed' | 'unsupported';
export type SentimentLabel = 'positive' | 'neutral' | 'negative';

export interface RecordingSummary {
  id: string;
  name: string;
  direction?: RecordingDirection;
  source?: string;
  destination?: string;
  startedAt?: string;
  uniqueId?: string;
  durationSec?: number;
  sampleRate?: number;
  channels?: number;
  sizeBytes: number;
  status: RecordingStatus;
  statusReason?: string;
  sentiment?: SentimentLabel;
  sentimentScore?: number;
  callId?: string;
}

export interface TranscriptSegment {
  startSec: number;
  endSec: number;
  speaker: string;
  text: string;
  sentiment?: number;
}

export interface ConversationStats {
  talkRatio: Record<string, number>;
  silenceShare: number;
  longestMonologueSec: number;
  interruptions: number;
}

export interface RecordingDetail extends RecordingSummary {
  /** Path under the API's media root; the client turns it into a URL. */
  audioPath: string;
  segments: TranscriptSegment[];
  stats?: ConversationStats;
  summary?: string;
  reasons?: string[];
  /** Engine turn latencies for calls our engine handled, seconds from recording start. */
  latencyMarkers?: { atSec: number; latencyMs: number }[];
}

export interface RecordingsSettingsView {
  enabled: boolean;
  host: string;
  port: number;
  username: string;
  tls: boolean;
  trustFingerprint?: string;
  intervalMinutes: number;
  concurrency: number;
  retentionDays: number;
  passwordSet: boolean;
  /** Host, port, user, password and TLS all come from the engine's ARI connection (asterisk.*). */
  sameAsEngine?: boolean;
}

export interface ConnectionDiagnosis {
  ok: boolean;
  cause:
    | 'ok'
    | 'refused'
    | 'timeout'
    | 'tls'
    | 'tls_untrusted'
    | 'tls_changed'
    | 'unauthorized'
    | 'forbidden'
    | 'module_missing'
    | 'symlink'
    | 'no_recordings'
    | 'unknown';
  message: string;
  fix?: string;
  /** SHA-256 fingerprint of the server certificate, for "trust this certificate". */
  certificateFingerprint?: string;
  recordingsListed?: number;
}

export interface SyncSummary {
  found: number;
  downloaded: number;
  skipped: number;
  failed: number;
  bytes: number;
  startedAt: string;
  finishedAt?: string;
  error?: string;
}

export const recordingsSettingsInput = z
  .object({
    enabled: z.boolean(),
    /** Empty: the engine's asterisk.host (likewise username; port and tls when absent). */
    host: z.string().max(255),
    port: z.number().int().min(1).max(65535).optional(),
    username: z.string().max(64),
    password: z.string().max(256).optional(),
    tls: z.boolean().optional(),
    trustFingerprint: z.string().max(128).optional(),
    intervalMinutes: z.number().int().min(1).max(1440),
    concurrency: z.number().int().min(1).max(32).optional(),
    retentionDays: z.number().int().min(0).max(3650).optional(),
  })
  .strict();

export const recordingsMethods = {
  'recordings.list': query<RecordingSummary[]>()(
    z
      .object({
        text: z.string().max(200).optional(),
        from: z.string().optional(),
        to: z.string().optional(),
        direction: z.string().max(16).optional(),
        number: z.string().max(64).optional(),
        sentiment: z.enum(['positive', 'neutral', 'negative']).optional(),
        limit: z.number().int().min(1).max(1000).optional(),
        offset: z.number().int().min(0).optional(),
      })
      .strict(),
  ),
  'recordings.get': query<RecordingDetail | null>()(z.object({ id: z.string().min(1).max(512) }).strict()),
  'recordings.settings': query<RecordingsSettingsView>()(noArgs),
  'recordings.saveSettings': command<{ ok: true }>()(recordingsSettingsInput),
  'recordings.testConnection': command<ConnectionDiagnosis>()(recordingsSettingsInput.partial().strict()),
  'recordings.syncNow': command<SyncSummary>()(noArgs),
  'recordings.lastSync': query<SyncSummary | null>()(noArgs),
};
