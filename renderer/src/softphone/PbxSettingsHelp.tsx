/** What the PBX needs for a WebRTC softphone (also in docs/softphone.md). */
export function PbxSettingsHelp() {
  return (
    <details className="sp-help">
      <summary>PBX settings the softphone needs</summary>
      <ol>
        <li>
          <strong>TLS for the Asterisk HTTP server</strong> (<code>http.conf</code>): <code>tlsenable=yes</code>, <code>tlsbindaddr=0.0.0.0:8089</code>,{' '}
          <code>tlscertfile</code>/<code>tlsprivatekey</code>. FreePBX: Settings → Advanced Settings → Enable TLS for the mini-HTTP server, or Certificate
          Management → default certificate.
        </li>
        <li>
          <strong>A WSS transport</strong> in PJSIP (<code>pjsip.transports.conf</code>): <code>type=transport</code>, <code>protocol=wss</code>,{' '}
          <code>bind=0.0.0.0</code>. FreePBX creates it when WebRTC is enabled on an extension.
        </li>
        <li>
          <strong>A WebRTC endpoint</strong>: <code>webrtc=yes</code> on the extension (sets DTLS-SRTP, ICE, AVPF, rtcp-mux, opus/ulaw). FreePBX:
          Applications → Extensions → the extension → Advanced → <em>Enable WebRTC defaults</em> = Yes, Media Encryption = DTLS-SRTP.
        </li>
        <li>
          URL: <code>wss://&lt;pbx&gt;:8089/ws</code>; SIP URI: <code>sip:&lt;extension&gt;@&lt;pbx&gt;</code>; password: the extension&apos;s secret.
        </li>
        <li>
          Self-signed certificate: open <code>https://&lt;pbx&gt;:8089/httpstatus</code> once in this app and accept the certificate, or install a trusted
          one (FreePBX Certificate Management → Let&apos;s Encrypt).
        </li>
        <li>
          The agent&apos;s destination: the number of the Custom Destination / misc application that sends calls to <code>Stasis(asterisk-ai-voice-agent)</code>{' '}
          — set it as the context&apos;s <em>destination</em> in the Contexts page so it appears here.
        </li>
      </ol>
    </details>
  );
}
