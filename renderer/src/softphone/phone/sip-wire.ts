/** SIP messages on the WebSocket, watched for the caller-side timing marks. */
import type { UserAgent } from 'sip.js';

/** Timing marks on performance.now(), for the caller-side latency report. */
export interface CallMarks {
  callId?: string;
  /** The first INVITE of the call left the socket. */
  inviteSentAt?: number;
  /** The 200 OK to it arrived (set again at Established if the wire mark was missed). */
  answeredAt?: number;
  endedAt?: number;
  /** INVITE transaction on the wire: [first line, performance.now()] (diagnostics). */
  wire?: [string, number][];
}

const headerValue = (msg: string, name: string): string | undefined => {
  const m = new RegExp(`^(?:${name}):[ \\t]*(.+)$`, 'im').exec(msg);
  return m?.[1]?.trim();
};

/** Marks INVITE out / 200 OK in on the wire, so answer time excludes SDP processing on either side. */
export function watchInviteWire(ua: UserAgent, marks: () => CallMarks): void {
  const t = ua.transport;
  const send = t.send.bind(t);
  t.send = (msg: string) => {
    if (msg.startsWith('INVITE ') && headerValue(msg, 'Call-ID|i') === marks().callId) marks().wire?.push([msg.slice(0, msg.indexOf(' ')), performance.now()]);
    if (marks().inviteSentAt === undefined && msg.startsWith('INVITE ') && headerValue(msg, 'Call-ID|i') === marks().callId) {
      marks().inviteSentAt = performance.now();
    }
    return send(msg);
  };
  const onMessage = t.onMessage;
  t.onMessage = (msg: string) => {
    if (msg.startsWith('SIP/2.0') && headerValue(msg, 'Call-ID|i') === marks().callId) marks().wire?.push([msg.slice(0, msg.indexOf('\r')), performance.now()]);
    if (marks().answeredAt === undefined && msg.startsWith('SIP/2.0 200') && /INVITE$/i.test(headerValue(msg, 'CSeq') ?? '') && headerValue(msg, 'Call-ID|i') === marks().callId) {
      marks().answeredAt = performance.now();
    }
    onMessage?.(msg);
  };
}
