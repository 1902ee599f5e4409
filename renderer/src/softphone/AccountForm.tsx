import { useEffect, useState } from 'react';
import type { DashboardClient } from '../api/types';
import type { SoftphoneAccount } from '../api/contract';
import { toApiError, type ApiError } from '../api/errors';
import { ErrorNotice } from '../components/ErrorNotice';

export interface AccountFormProps {
  client: DashboardClient;
  account: SoftphoneAccount | null;
  onSaved(account: SoftphoneAccount): void;
}

function iceToText(list: SoftphoneAccount['iceServers']): string {
  return list.map((s) => [s.urls, s.username, s.credential].filter(Boolean).join(' ')).join('\n');
}

function textToIce(text: string): SoftphoneAccount['iceServers'] {
  return text
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)
    .map((l) => {
      const [urls = '', username, credential] = l.split(/\s+/);
      return { urls, ...(username ? { username } : {}), ...(credential ? { credential } : {}) };
    });
}

/** WSS URL, SIP URI, auth user, password (write-only: stored as SIP_PASSWORD), display name, ICE servers. */
export function AccountForm({ client, account, onSaved }: AccountFormProps) {
  const [wssUrl, setWssUrl] = useState(account?.wssUrl ?? '');
  const [sipUri, setSipUri] = useState(account?.sipUri ?? '');
  const [authUser, setAuthUser] = useState(account?.authUser ?? '');
  const [displayName, setDisplayName] = useState(account?.displayName ?? '');
  const [ice, setIce] = useState(iceToText(account?.iceServers ?? []));
  const [password, setPassword] = useState('');
  const [error, setError] = useState<ApiError>();
  const [saving, setSaving] = useState(false);
  useEffect(() => {
    if (!account) return;
    setWssUrl(account.wssUrl);
    setSipUri(account.sipUri);
    setAuthUser(account.authUser);
    setDisplayName(account.displayName);
    setIce(iceToText(account.iceServers));
  }, [account]);

  const save = async (e: React.FormEvent) => {
    e.preventDefault();
    setSaving(true);
    setError(undefined);
    const iceServers = textToIce(ice);
    try {
      await client.invoke('softphone.saveAccount', { wssUrl: wssUrl.trim(), sipUri: sipUri.trim(), authUser: authUser.trim(), displayName, iceServers, ...(password ? { password } : {}) });
      const fresh = await client.invoke('softphone.account');
      setPassword('');
      if (fresh) onSaved(fresh);
    } catch (err) {
      setError(toApiError(err));
    } finally {
      setSaving(false);
    }
  };

  let certHint: string | null = null;
  try {
    const u = new URL(wssUrl);
    if (u.protocol === 'wss:') certHint = `https://${u.host}/httpstatus`;
  } catch {
    /* not a URL yet */
  }

  return (
    <form className="sp-account" onSubmit={save} aria-label="SIP account">
      <label>
        WebSocket URL
        <input name="wssUrl" value={wssUrl} onChange={(e) => setWssUrl(e.target.value)} placeholder="wss://pbx.example.com:8089/ws" required />
      </label>
      <label>
        SIP URI / extension
        <input name="sipUri" value={sipUri} onChange={(e) => setSipUri(e.target.value)} placeholder="sip:1001@pbx.example.com" required />
      </label>
      <label>
        Auth user
        <input name="authUser" value={authUser} onChange={(e) => setAuthUser(e.target.value)} placeholder="1001" />
      </label>
      <label>
        Password {account?.passwordSet && <span className="muted">(stored — leave empty to keep)</span>}
        <input name="password" type="password" autoComplete="new-password" value={password} onChange={(e) => setPassword(e.target.value)} />
      </label>
      <label>
        Display name
        <input name="displayName" value={displayName} onChange={(e) => setDisplayName(e.target.value)} placeholder="AAVA test" />
      </label>
      <label>
        ICE servers <span className="muted">(one per line: url [username credential]; optional)</span>
        <textarea name="iceServers" rows={2} value={ice} onChange={(e) => setIce(e.target.value)} placeholder="stun:stun.example.com:3478" />
      </label>
      {certHint && (
        <p className="muted sp-hint">
          Self-signed certificate on the PBX? Open <a href={certHint} target="_blank" rel="noreferrer">{certHint}</a> once in this app and accept it, then register
          again. See the PBX settings below.
        </p>
      )}
      <ErrorNotice error={error} what="Saving the account" />
      <button type="submit" disabled={saving}>
        {saving ? 'Saving…' : 'Save account'}
      </button>
    </form>
  );
}
