import { useEffect, useRef } from 'react';
import { getPhone, usePhone } from './use-phone';
import { LevelMeter } from './LevelMeter';
import { DTMF_KEYS } from './logic/dtmf';
import type { CallInfo } from './phone/types';

function fmt(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}

/** Call timer: a text node updated twice a second, no re-render. */
function CallTimer({ since }: { since: number }) {
  const ref = useRef<HTMLSpanElement>(null);
  useEffect(() => {
    const tick = () => {
      if (ref.current) ref.current.textContent = fmt(Date.now() - since);
    };
    tick();
    const t = setInterval(tick, 500);
    return () => clearInterval(t);
  }, [since]);
  return <span ref={ref} className="sp-timer" data-testid="call-timer" />;
}

function Stats({ call }: { call: CallInfo }) {
  const s = call.stats;
  if (!s) return <p className="muted">Collecting stats…</p>;
  const v = (n: number | null, unit: string) => (n === null ? '—' : `${n}${unit}`);
  return (
    <dl className="sp-stats" data-testid="call-stats">
      <dt>Codec</dt>
      <dd>{s.codec ?? '—'}</dd>
      <dt>RTT</dt>
      <dd>{v(s.rttMs, ' ms')}</dd>
      <dt>Jitter</dt>
      <dd>{v(s.jitterMs, ' ms')}</dd>
      <dt>Jitter buffer</dt>
      <dd data-testid="jitter-buffer">{v(s.jitterBufferMs, ' ms')}</dd>
      <dt>Packet loss</dt>
      <dd>{v(s.packetLossPct, ' %')}</dd>
      <dt>MOS (E-model)</dt>
      <dd data-testid="call-mos">{s.mos === null ? '—' : s.mos.toFixed(2)}</dd>
      <dt>Packets in / out</dt>
      <dd>
        {s.packetsReceived} / {s.packetsSent}
      </dd>
    </dl>
  );
}

export function Devices() {
  const devices = usePhone((s) => s.devices);
  const inputId = usePhone((s) => s.inputId);
  const outputId = usePhone((s) => s.outputId);
  useEffect(() => {
    const phone = getPhone();
    void phone.refreshDevices();
    const md = navigator.mediaDevices;
    const on = () => void phone.refreshDevices();
    md?.addEventListener?.('devicechange', on);
    return () => md?.removeEventListener?.('devicechange', on);
  }, []);
  return (
    <div className="sp-devices">
      <label>
        Microphone
        <select value={inputId ?? ''} onChange={(e) => void getPhone().setInput(e.target.value || undefined)}>
          <option value="">System default</option>
          {devices.inputs.map((d) => (
            <option key={d.id} value={d.id}>
              {d.label}
            </option>
          ))}
        </select>
      </label>
      <label>
        Speaker
        <select value={outputId ?? ''} onChange={(e) => void getPhone().setOutput(e.target.value || undefined)}>
          <option value="">System default</option>
          {devices.outputs.map((d) => (
            <option key={d.id} value={d.id}>
              {d.label}
            </option>
          ))}
        </select>
      </label>
    </div>
  );
}

export function IncomingCall({ call }: { call: CallInfo }) {
  const phone = getPhone();
  return (
    <div className="notice notice-info sp-incoming" role="alert">
      <strong>Incoming call</strong> from {call.remoteName ? `${call.remoteName} ` : ''}
      <code>{call.remote}</code>
      <div className="sp-row">
        <button type="button" onClick={() => void phone.accept()}>
          Accept
        </button>
        <button type="button" className="danger" onClick={() => void phone.decline()}>
          Decline
        </button>
      </div>
    </div>
  );
}

export function CallPanel({ call }: { call: CallInfo }) {
  const phone = getPhone();
  const live = call.phase === 'established';
  return (
    <section className="sp-call" aria-label="Current call" data-testid="call-panel" data-phase={call.phase}>
      <header className="sp-row">
        <strong>
          {call.direction === 'outgoing' ? 'Calling' : 'Call with'} <code>{call.remote}</code>
        </strong>
        <span className="muted" data-testid="call-phase">
          {call.phase}
          {call.scripted ? ' · test call' : ''}
        </span>
        {live && call.answeredAt && <CallTimer since={call.answeredAt} />}
      </header>
      <div className="sp-row">
        <button type="button" aria-pressed={call.muted} disabled={!live} onClick={() => phone.setMute(!call.muted)}>
          {call.muted ? 'Unmute' : 'Mute'}
        </button>
        <button type="button" aria-pressed={call.held} disabled={!live} onClick={() => void phone.setHold(!call.held)}>
          {call.held ? 'Resume' : 'Hold'}
        </button>
        <button type="button" className="danger" onClick={() => void phone.hangup()}>
          Hang up
        </button>
      </div>
      {live && (
        <>
          <div className="sp-dtmf" aria-label="DTMF keypad">
            {DTMF_KEYS.map((k) => (
              <button type="button" key={k} onClick={() => phone.sendDtmf(k)} aria-label={`DTMF ${k}`}>
                {k}
              </button>
            ))}
          </div>
          {call.dtmfSent && (
            <p className="muted">
              Sent <code data-testid="dtmf-sent">{call.dtmfSent}</code> ({call.dtmfMode === 'rfc4733' ? 'RFC 4733 events' : 'in-band tones'})
            </p>
          )}
          <LevelMeter />
          <Stats call={call} />
        </>
      )}
    </section>
  );
}
