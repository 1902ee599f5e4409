import { useState } from 'react';
import type { ConfigView } from '../api/contract';
import { TRANSPORT_CHOICES, TransportGuide } from './TransportGuide';

type Transport = ConfigView['audioTransport'];

/** The dialplan context that reaches an AI context; `default` is the guide's plain [from-ai-agent]. */
function dialplanContextFor(context: string): string {
  return context === 'default' ? 'from-ai-agent' : `from-ai-agent-${context}`;
}

/** The FreePBX custom-context dialplan that hands a call to the engine for one AI context (optionally on a chosen transport). */
export function dialplanFor(context: string, appName = 'asterisk-ai-voice-agent', transport?: Transport): string {
  const isDefault = context === 'default';
  return [
    `[${dialplanContextFor(context)}]`,
    `exten => s,1,NoOp(AI voice agent${isDefault ? '' : `: ${context}`})`,
    ...(isDefault ? [] : [` same => n,Set(AI_CONTEXT=${context})`]),
    ...(transport ? [` same => n,Set(AI_TRANSPORT=${transport})`] : []),
    ` same => n,Stasis(${appName})`,
    ' same => n,Hangup()',
  ].join('\n');
}

export function customDestinationFor(context: string): string {
  return `${dialplanContextFor(context)},s,1`;
}

function CopyBlock({ text, label }: { text: string; label: string }) {
  const [copied, setCopied] = useState<'idle' | 'ok' | 'failed'>('idle');
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(text);
      setCopied('ok');
    } catch {
      setCopied('failed');
    }
  };
  return (
    <div className="copy-block">
      <pre aria-label={label} tabIndex={0}>
        <code>{text}</code>
      </pre>
      <button type="button" className="btn btn-small" onClick={() => void copy()}>
        {copied === 'ok' ? 'Copied' : 'Copy'}
      </button>
      {copied === 'failed' && <span className="muted"> Select the text and copy it by hand (clipboard not allowed here).</span>}
    </div>
  );
}

export function DialplanSnippet({ context, appName, defaultTransport }: { context: string; appName?: string; defaultTransport?: Transport }) {
  const [transport, setTransport] = useState<Transport | ''>('');
  return (
    <div className="dialplan">
      {defaultTransport && (
        <div className="field">
          <label htmlFor="dialplan-transport">Media transport for these calls</label>
          <select id="dialplan-transport" value={transport} onChange={(e) => setTransport(e.target.value as Transport | '')}>
            <option value="">{`default (${defaultTransport})`}</option>
            {TRANSPORT_CHOICES.map((t) => (
              <option key={t.value} value={t.value}>
                {`${t.label} (Set AI_TRANSPORT=${t.value})`}
              </option>
            ))}
          </select>
          <TransportGuide current={defaultTransport} />
        </div>
      )}
      <p>
        Add to <code>/etc/asterisk/extensions_custom.conf</code>, then <code>fwconsole reload</code>:
      </p>
      <CopyBlock text={dialplanFor(context, appName, transport || undefined)} label={`Dialplan for ${context}`} />
      <p>
        FreePBX → Admin → Custom Destinations → target <code className="nowrap">{customDestinationFor(context)}</code>
      </p>
    </div>
  );
}
