import { z } from 'zod';
import { query, command, noArgs } from './define.js';
import type { TransportKind } from './calls.js';

/** Secrets are write-only through the contract: the API tells whether one is set, never its value. */
export interface SecretStatus {
  name: string;
  set: boolean;
  /** Where it comes from: OS keychain (Electron), 0600 file, or the environment. */
  source: 'keychain' | 'file' | 'env' | 'unset';
}

export const secretName = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[A-Z][A-Z0-9_]*$/, 'secret names are UPPER_SNAKE_CASE, e.g. OPENAI_API_KEY');

export interface AriSettingsView {
  host: string;
  port: number;
  scheme: 'http' | 'https';
  username: string;
  appName: string;
  passwordSecret: string;
}

export interface SettingsView {
  ari: AriSettingsView;
  audioTransport: TransportKind;
  dataDir: string;
  secrets: SecretStatus[];
}

export const settingsMethods = {
  'settings.get': query<SettingsView>()(noArgs),
  'settings.saveAri': command<{ ok: true }>()(
    z
      .object({
        host: z.string().min(1).max(255),
        port: z.number().int().min(1).max(65535),
        scheme: z.enum(['http', 'https']),
        username: z.string().min(1).max(64),
        appName: z.string().min(1).max(64),
      })
      .strict(),
  ),
  'settings.saveTransport': command<{ ok: true }>()(
    z.object({ audioTransport: z.enum(['audiosocket', 'externalmedia', 'websocket']) }).strict(),
  ),
  'settings.testAri': command<{ ok: boolean; message: string; fix?: string }>()(noArgs),
  'secrets.list': query<SecretStatus[]>()(noArgs),
  'secrets.set': command<{ ok: true }>()(z.object({ name: secretName, value: z.string().max(8192) }).strict()),
  'secrets.delete': command<{ ok: true }>()(z.object({ name: secretName }).strict()),
};
