/**
 * The softphone account lives in the settings table (key `softphone.account`),
 * its password in the secret store as SIP_PASSWORD — never in the table and
 * never in an API answer other than softphone.credentials.
 */
import type { Db } from '../store/database.js';
import type { SoftphoneAccount } from '../api/softphone.js';

const ACCOUNT_KEY = 'softphone.account';
export const SIP_PASSWORD_SECRET = 'SIP_PASSWORD';

export type StoredAccount = Omit<SoftphoneAccount, 'passwordSet'>;

export function readAccount(db: Db): StoredAccount | null {
  const row = db.prepare('SELECT value_json FROM settings WHERE key = ?').get(ACCOUNT_KEY) as { value_json: string } | undefined;
  if (!row) return null;
  try {
    const v = JSON.parse(row.value_json) as Partial<StoredAccount>;
    if (typeof v.wssUrl !== 'string' || typeof v.sipUri !== 'string') return null;
    return {
      wssUrl: v.wssUrl,
      sipUri: v.sipUri,
      authUser: typeof v.authUser === 'string' ? v.authUser : '',
      displayName: typeof v.displayName === 'string' ? v.displayName : '',
      iceServers: Array.isArray(v.iceServers) ? v.iceServers : [],
    };
  } catch {
    return null;
  }
}

export function writeAccount(db: Db, account: StoredAccount): void {
  db.prepare(
    'INSERT INTO settings (key, value_json, updated_at) VALUES (?, ?, ?) ON CONFLICT(key) DO UPDATE SET value_json = excluded.value_json, updated_at = excluded.updated_at',
  ).run(ACCOUNT_KEY, JSON.stringify(account), Date.now());
}
