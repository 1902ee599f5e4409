/**
 * Softphone page: SIP account, registration, dial pad and agent destinations,
 * the current call (mute/hold/DTMF/devices/level/stats), incoming calls, and
 * one-click test calls with caller-side latency (issue 7).
 */
import { useEffect, useMemo, useState } from 'react';
import { useStores, useApp } from '../stores/react';
import { readSoftphoneTarget, useHash } from '../components/router';
import type { SoftphoneAccount } from '../api/contract';
import { toApiError, type ApiError } from '../api/errors';
import { ErrorNotice } from '../components/ErrorNotice';
import { AccountForm } from './AccountForm';
import { CallPanel, Devices, IncomingCall } from './CallPanel';
import { Dialer, type Destination } from './Dialer';
import { TestCallPanel } from './TestCallPanel';
import { PbxSettingsHelp } from './PbxSettingsHelp';
import { getPhone, usePhone } from './use-phone';
import './softphone.css';

const REG_LABEL: Record<string, string> = {
  unregistered: 'Not registered',
  connecting: 'Connecting…',
  registering: 'Registering…',
  registered: 'Registered',
  unregistering: 'Unregistering…',
  failed: 'Registration failed',
};

export default function SoftphonePage() {
  const stores = useStores();
  const client = stores.client;
  const config = useApp('config', (s) => s.config);
  const hash = useHash();
  const [account, setAccount] = useState<SoftphoneAccount | null>(null);
  const [accountError, setAccountError] = useState<ApiError>();
  const [showAccount, setShowAccount] = useState(false);
  const reg = usePhone((s) => s.reg);
  const regError = usePhone((s) => s.regError);
  const call = usePhone((s) => s.call);
  const lastCall = usePhone((s) => s.lastCall);
  const callError = usePhone((s) => s.callError);

  useEffect(() => {
    if (!config.data && !config.loading) void stores.config.getState().load();
    client.invoke('softphone.account').then(
      (a) => {
        setAccount(a);
        if (!a) setShowAccount(true);
      },
      (err) => setAccountError(toApiError(err)),
    );
  }, [client, stores, config.data, config.loading]);

  const destinations: Destination[] = useMemo(
    () => (config.data?.contexts ?? []).filter((c) => c.destination).map((c) => ({ context: c.name, destination: c.destination! })),
    [config.data],
  );

  const target = readSoftphoneTarget(hash);
  const requested = useMemo(
    () => (target.destination ? { destination: target.destination, ...(target.context ? { context: target.context } : {}), nonce: hash } : undefined),
    [hash],
  );

  const register = async () => {
    if (!account) {
      setShowAccount(true);
      return;
    }
    let password = '';
    try {
      password = (await client.invoke('softphone.credentials')).password ?? '';
    } catch (err) {
      setAccountError(toApiError(err));
      return;
    }
    await getPhone().register({ ...account, password });
  };

  // "Test this context" with a saved account: register on arrival so the test can start.
  useEffect(() => {
    if (requested && account && (reg === 'unregistered' || reg === 'failed') && !regError) void register();
  }, [requested, account]);

  const registered = reg === 'registered';
  return (
    <section aria-labelledby="softphone-title" className="sp-page">
      <h1 id="softphone-title">Softphone</h1>
      <ErrorNotice error={accountError} what="Loading the softphone account" />
      <div className="sp-row sp-regbar">
        <span className={`sp-reg sp-reg-${reg}`} data-testid="reg-state" role="status">
          {REG_LABEL[reg]}
        </span>
        {account && <code>{account.sipUri}</code>}
        {registered || reg === 'registering' || reg === 'connecting' ? (
          <button type="button" onClick={() => void getPhone().unregister()}>
            Unregister
          </button>
        ) : (
          <button type="button" onClick={() => void register()} disabled={!account}>
            Register
          </button>
        )}
        <button type="button" className="link" onClick={() => setShowAccount((v) => !v)}>
          {showAccount ? 'Hide account' : 'Account settings'}
        </button>
      </div>
      {regError && (
        <div className="notice notice-error" role="alert" data-testid="reg-error">
          {regError.message}
        </div>
      )}
      {showAccount && (
        <AccountForm
          client={client}
          account={account}
          onSaved={(a) => {
            setAccount(a);
            setShowAccount(false);
          }}
        />
      )}
      {callError && (
        <div className="notice notice-error" role="alert" data-testid="call-error">
          {callError.message}{' '}
          <button type="button" className="link" onClick={() => getPhone().clearCallError()}>
            Dismiss
          </button>
        </div>
      )}
      {call?.phase === 'incoming' && <IncomingCall call={call} />}
      {call && call.phase !== 'incoming' && <CallPanel call={call} />}
      {!call && lastCall && (
        <p className="muted" data-testid="last-call">
          Last call to <code>{lastCall.remote}</code>: {lastCall.endReason}
          {lastCall.answeredAt && lastCall.endedAt ? ` after ${Math.round((lastCall.endedAt - lastCall.answeredAt) / 1000)} s` : ''}
        </p>
      )}
      <div className="sp-columns">
        <div>
          <h2>Dial</h2>
          <Dialer destinations={destinations} disabled={!registered || !!call} />
        </div>
        <Devices />
      </div>
      {/* The test call gets the page's width: its timeline is the most telling picture here. */}
      <TestCallPanel client={client} destinations={destinations} registered={registered && !call} requested={requested} />
      <PbxSettingsHelp />
    </section>
  );
}
