/**
 * Turns SIP/WebSocket/WebRTC failures into one clear sentence for the admin,
 * with the likely fix. Pure.
 */

export type PhoneErrorKind =
  | 'auth'
  | 'forbidden'
  | 'timeout'
  | 'ws_closed'
  | 'tls'
  | 'no_wss'
  | 'not_found'
  | 'busy'
  | 'codec'
  | 'mic_permission'
  | 'no_microphone'
  | 'one_way_audio'
  | 'other';

export interface PhoneError {
  kind: PhoneErrorKind;
  /** SIP status code when there was one. */
  statusCode?: number;
  message: string;
}

function hostOf(wssUrl: string): string {
  try {
    return new URL(wssUrl).host;
  } catch {
    return wssUrl;
  }
}

/** A REGISTER or INVITE rejected with a final SIP response. */
export function sipResponseError(statusCode: number, reasonPhrase: string, what: 'register' | 'call'): PhoneError {
  const code = `${statusCode} ${reasonPhrase}`.trim();
  switch (statusCode) {
    case 401:
    case 407:
      return {
        kind: 'auth',
        statusCode,
        message: `${code}: the PBX rejected the credentials. Check the auth user and password (FreePBX: the extension's secret).`,
      };
    case 403:
      return { kind: 'forbidden', statusCode, message: `${code}: the PBX refused ${what === 'register' ? 'the registration' : 'the call'} (wrong password, or the extension is not allowed from this address).` };
    case 404:
      return { kind: 'not_found', statusCode, message: `${code}: ${what === 'register' ? 'the PBX does not know this extension' : 'no such destination on the PBX'}.` };
    case 408:
      return { kind: 'timeout', statusCode, message: `${code}: no answer from the PBX in time.` };
    case 486:
    case 600:
      return { kind: 'busy', statusCode, message: `${code}: the destination is busy.` };
    case 488:
    case 606:
      return {
        kind: 'codec',
        statusCode,
        message: `${code}: no common codec or media setup. Enable opus or ulaw on the extension and make sure it is a WebRTC endpoint (webrtc=yes / FreePBX "Enable WebRTC defaults").`,
      };
    default:
      return { kind: 'other', statusCode, message: `${code}: ${what === 'register' ? 'registration' : 'the call'} failed.` };
  }
}

/**
 * The WebSocket transport failed to connect or dropped. Browsers give no
 * detail for TLS failures (the socket just closes with 1006), so a wss://
 * failure before any connection is reported as a certificate/transport issue.
 */
export function transportError(wssUrl: string, detail: string, everConnected: boolean): PhoneError {
  const host = hostOf(wssUrl);
  if (/timeout/i.test(detail)) {
    return { kind: 'timeout', message: `Timed out connecting to ${wssUrl}. Is the PBX reachable and the WSS port (usually 8089) open?` };
  }
  if (everConnected) {
    return { kind: 'ws_closed', message: `WebSocket to ${wssUrl} closed (${detail}). The phone will need to register again.` };
  }
  if (wssUrl.startsWith('wss://')) {
    return {
      kind: 'tls',
      message:
        `Cannot open ${wssUrl} (${detail}). Either the PBX has no WSS transport on that port (pjsip transport-wss, http.conf tlsenable=yes on 8089), ` +
        `or its certificate is not trusted: open https://${host}/httpstatus once in this app's browser and accept the certificate.`,
    };
  }
  return { kind: 'no_wss', message: `Cannot open ${wssUrl} (${detail}). The PBX has no WebSocket transport on that address.` };
}

/** getUserMedia failures. */
export function mediaError(err: unknown): PhoneError {
  const name = (err as { name?: string } | null)?.name ?? '';
  if (name === 'NotAllowedError' || name === 'SecurityError') {
    return { kind: 'mic_permission', message: 'Microphone permission was denied. Allow microphone access for this app and try again.' };
  }
  if (name === 'NotFoundError' || name === 'OverconstrainedError') {
    return { kind: 'no_microphone', message: 'No microphone found (or the selected input device is gone). Pick another input device.' };
  }
  return { kind: 'other', message: `Audio device error: ${(err as Error)?.message ?? String(err)}` };
}

export function oneWayAudioError(afterMs: number): PhoneError {
  return {
    kind: 'one_way_audio',
    message: `One-way audio: no audio packets received ${Math.round(afterMs / 1000)} s after answer. Check NAT/ICE (STUN/TURN), the PBX's rtp.conf ICE support and firewall UDP ports.`,
  };
}
