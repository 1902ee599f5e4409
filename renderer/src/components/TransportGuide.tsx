import type { ConfigView } from '../api/contract';

type Transport = ConfigView['audioTransport'];

/** When to pick which media transport (the same text as docs/configuration.md, "Choosing a media transport"). */
export const TRANSPORT_CHOICES: { value: Transport; label: string; when: string }[] = [
  {
    value: 'audiosocket',
    label: 'AudioSocket',
    when: 'The PBX connects to this machine on TCP 8090 (audiosocket.advertise_host). Simple and robust on a LAN where the PBX can reach the desktop; Asterisk 18+.',
  },
  {
    value: 'externalmedia',
    label: 'ExternalMedia RTP',
    when: 'The PBX sends µ-law RTP to UDP 18080–18099 on this machine. Only when AudioSocket is not available; UDP and NAT make it the most fragile.',
  },
  {
    value: 'websocket',
    label: 'WebSocket',
    when: 'This machine connects out to the PBX’s own HTTP server (the ARI port, wss with https), so nothing has to reach the desktop: the choice behind NAT or a VPN. Hangup and transfer wait until the caller heard the last words; barge-in stops the agent within a frame. Asterisk 20.18+, 22.8+ or 23.2+ (chan_websocket).',
  },
];

export function TransportGuide({ current }: { current: Transport }) {
  return (
    <details className="transport-guide">
      <summary>Which media transport?</summary>
      <dl>
        {TRANSPORT_CHOICES.map((t) => (
          <div key={t.value}>
            <dt>
              {t.label} <code>{t.value}</code>
              {t.value === current ? <span className="muted small"> (the default now)</span> : null}
            </dt>
            <dd>{t.when}</dd>
          </div>
        ))}
      </dl>
      <p className="muted small">
        <code>audio_transport</code> in the config (Settings → Audio transport) is the default; a dialplan can choose per call with <code>Set(AI_TRANSPORT=…)</code>.
      </p>
    </details>
  );
}
