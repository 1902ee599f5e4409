import { useState } from 'react';
import type { SshTarget } from '../../api/contract';
import { useApp, useStores } from '../../stores/react';
import { ErrorNotice } from '../../components/ErrorNotice';
import { DoctorResults } from './DoctorResults';

const PASSWORD_SECRET = 'SSH_PASSWORD';
const PASSPHRASE_SECRET = 'SSH_PASSPHRASE';

interface Form {
  host: string;
  port: string;
  username: string;
  auth: 'password' | 'key' | 'agent';
  password: string;
  identityFile: string;
  useSudo: boolean;
  rootPrefix: string;
}

/** SSH doctor: connect, accept the host key, run the FreePBX checks, plan and apply fixes, roll back. */
export function SshDoctor() {
  const stores = useStores();
  const [form, setForm] = useState<Form>({ host: '', port: '22', username: 'root', auth: 'password', password: '', identityFile: '', useSudo: false, rootPrefix: '' });
  const [secretError, setSecretError] = useState<string>();
  const hostKey = useApp('doctor', (s) => s.hostKey);
  const accepted = useApp('doctor', (s) => s.acceptedKey);
  const checks = useApp('doctor', (s) => s.checks);
  const target = useApp('doctor', (s) => s.target);
  const port = Number(form.port);
  const valid = form.host.trim() !== '' && form.username.trim() !== '' && Number.isInteger(port) && port >= 1 && port <= 65535;
  const upd = (k: 'host' | 'port' | 'username' | 'password' | 'identityFile' | 'rootPrefix') => (e: { target: { value: string } }) => setForm((f) => ({ ...f, [k]: e.target.value }));

  const connect = async () => {
    setSecretError(undefined);
    const t: SshTarget = { host: form.host.trim(), port, username: form.username.trim(), auth: form.auth, useSudo: form.useSudo };
    if (form.rootPrefix.trim()) t.rootPrefix = form.rootPrefix.trim();
    if (form.auth === 'password') t.secretName = PASSWORD_SECRET;
    if (form.auth === 'key') {
      if (form.identityFile.trim()) t.identityFile = form.identityFile.trim();
      if (form.password) t.secretName = PASSPHRASE_SECRET;
    }
    if (form.password && form.auth !== 'agent') {
      // The password goes to the secret store; the doctor receives only its name.
      const r = await stores.settings.getState().setSecret(form.auth === 'password' ? PASSWORD_SECRET : PASSPHRASE_SECRET, form.password);
      if (!r.ok) {
        setSecretError(`Could not store the ${form.auth === 'password' ? 'password' : 'passphrase'}: ${r.error.message}`);
        return;
      }
      setForm((f) => ({ ...f, password: '' }));
    }
    stores.doctor.getState().setTarget(t);
    const key = await stores.doctor.getState().fetchHostKey();
    if (key?.known && !key.changed) stores.doctor.getState().acceptHostKey(key.fingerprint);
  };

  const hk = hostKey.data;
  const ready = !!target && !!accepted;
  return (
    <section className="card" aria-labelledby="ssh-title">
      <h2 id="ssh-title">FreePBX checks over SSH</h2>
      <p className="muted small">Reads ari.conf, http.conf, the dialplan and the recordings folder; fixes are shown as diffs and applied only when you tick them.</p>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void connect();
        }}
      >
        <div className="grid-form">
          <label htmlFor="ssh-host">Host</label>
          <input id="ssh-host" value={form.host} onChange={upd('host')} required />
          <label htmlFor="ssh-port">Port</label>
          <input id="ssh-port" value={form.port} onChange={upd('port')} inputMode="numeric" size={6} />
          <label htmlFor="ssh-user">Username</label>
          <input id="ssh-user" value={form.username} onChange={upd('username')} autoComplete="off" />
          <label htmlFor="ssh-auth">Authentication</label>
          <select id="ssh-auth" value={form.auth} onChange={(e) => setForm((f) => ({ ...f, auth: e.target.value as Form['auth'] }))}>
            <option value="password">Password</option>
            <option value="key">Private key file</option>
            <option value="agent">SSH agent</option>
          </select>
          {form.auth === 'key' && (
            <>
              <label htmlFor="ssh-key">Key file</label>
              <input id="ssh-key" value={form.identityFile} onChange={upd('identityFile')} placeholder="~/.ssh/id_ed25519" />
            </>
          )}
          {form.auth !== 'agent' && (
            <>
              <label htmlFor="ssh-pass">{form.auth === 'password' ? 'Password' : 'Key passphrase'}</label>
              <input id="ssh-pass" type="password" value={form.password} onChange={upd('password')} autoComplete="new-password" placeholder="stored in the secret store, not shown again" />
            </>
          )}
          <label htmlFor="ssh-sudo">Use sudo</label>
          <label className="check">
            <input id="ssh-sudo" type="checkbox" checked={form.useSudo} onChange={(e) => setForm((f) => ({ ...f, useSudo: e.target.checked }))} /> for a non-root user
          </label>
        </div>
        <details className="subsection">
          <summary className="small">Advanced</summary>
          <div className="grid-form">
            <label htmlFor="ssh-root">Root prefix</label>
            <input id="ssh-root" value={form.rootPrefix} onChange={upd('rootPrefix')} placeholder="empty: / (set for chroot-like layouts)" />
          </div>
        </details>
        <div className="actions">
          <button type="submit" className="btn btn-primary" disabled={!valid || hostKey.loading}>
            {hostKey.loading ? 'Connecting…' : 'Connect'}
          </button>
        </div>
      </form>
      {secretError && (
        <div className="notice notice-error" role="alert">
          {secretError}
        </div>
      )}
      <ErrorNotice error={hostKey.error} what="SSH connection" />
      {hk && !accepted && (
        <div className={`notice ${hk.changed ? 'notice-error' : 'notice-info'}`} role="alert">
          {hk.changed ? (
            <strong>The host key of {hk.host} CHANGED since it was last accepted. Only accept if you know why (server reinstalled).</strong>
          ) : (
            <strong>First connection to {hk.host}. Compare the host key with `ssh-keygen -lf /etc/ssh/ssh_host_ed25519_key.pub` on the server.</strong>
          )}
          <div>
            Fingerprint <code className="mono break">{hk.fingerprint}</code>
          </div>
          <div className="actions">
            <button type="button" className="btn btn-primary" onClick={() => stores.doctor.getState().acceptHostKey(hk.fingerprint)}>
              Accept this host key
            </button>
          </div>
        </div>
      )}
      {hk && accepted && (
        <p className="ok-text small">
          Host key {hk.known && !hk.changed ? 'known' : 'accepted'}: <code className="mono">{accepted}</code>
        </p>
      )}
      {ready && (
        <div className="actions">
          <button type="button" className="btn btn-primary" disabled={checks.loading} onClick={() => void stores.doctor.getState().run()}>
            {checks.loading ? 'Checking…' : 'Run checks'}
          </button>
          {checks.loading && (
            <button type="button" className="btn" onClick={() => void stores.doctor.getState().cancel()}>
              Cancel
            </button>
          )}
        </div>
      )}
      {ready && <DoctorResults />}
    </section>
  );
}
