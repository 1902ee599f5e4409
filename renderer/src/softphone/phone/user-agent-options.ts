/** SIP.js UserAgent configuration for an account (kept apart from the phone's state machine). */
import { Web, type URI, type UserAgentDelegate, type UserAgentOptions } from 'sip.js';
import type { PhoneAccount } from './types';

/** SIP.js log lines carry credentials in Authorization headers: keep only errors, and never the message body. */
const quietLogger = (level: string, category: string, _label: string | undefined, content: string) => {
  if (level === 'error') console.warn(`[sip.js] ${category}: ${content.split('\n')[0]}`);
};

export function userAgentOptions(
  account: PhoneAccount,
  uri: URI,
  mediaStream: (constraints: MediaStreamConstraints) => Promise<MediaStream>,
  delegate: UserAgentDelegate,
): UserAgentOptions {
  return {
    uri,
    transportOptions: { server: account.wssUrl, connectionTimeout: 5, keepAliveInterval: 30 },
    authorizationUsername: account.authUser || uri.user,
    authorizationPassword: account.password,
    displayName: account.displayName || undefined,
    logBuiltinEnabled: false,
    logConnector: quietLogger,
    logLevel: 'warn',
    userAgentString: 'AAVA Desktop softphone',
    sessionDescriptionHandlerFactory: Web.defaultSessionDescriptionHandlerFactory(mediaStream),
    sessionDescriptionHandlerFactoryOptions: { peerConnectionConfiguration: { iceServers: account.iceServers }, iceGatheringTimeout: 1000 },
    delegate,
  };
}
