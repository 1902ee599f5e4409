/**
 * Installs the session-wide policy: permission handlers (microphone for the
 * app page only), the CSP header, and the three schemes the app serves —
 * app:// (renderer), aava-media:// (engine media), aava-action: (the
 * start-up error page's buttons).
 */
import type { Session } from 'electron';
import { APP_SCHEME, MEDIA_SCHEME } from './channels.js';
import { allowPermission, allowPermissionCheck } from './security.js';
import { createAppHandler, createMediaHandler, type MediaResolver } from './protocols.js';
import { parseStartupAction, type StartupAction } from './startup-error.js';

export interface SessionPolicyOptions {
  rendererDir: string;
  csp: () => string;
  page: (path: string) => string | undefined;
  resolveMedia: MediaResolver;
  onAction: (action: StartupAction) => void;
}

export function installSessionPolicy(ses: Session, o: SessionPolicyOptions): void {
  ses.setPermissionRequestHandler((_wc, permission, callback, details) => {
    const d = details as { requestingUrl?: string; isMainFrame?: boolean; mediaTypes?: string[] };
    callback(allowPermission({ permission, requestingUrl: d.requestingUrl, isMainFrame: d.isMainFrame ?? false, mediaTypes: d.mediaTypes }));
  });
  ses.setPermissionCheckHandler((_wc, permission, origin) => allowPermissionCheck(permission, origin));
  // Anything not served by our protocol handlers (there should be nothing) gets the same CSP.
  ses.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [o.csp()] } });
  });
  ses.protocol.handle(APP_SCHEME, createAppHandler({ rendererDir: o.rendererDir, csp: o.csp, page: o.page }));
  ses.protocol.handle(MEDIA_SCHEME, createMediaHandler(o.resolveMedia));
  ses.protocol.handle('aava-action', (req) => {
    const action = parseStartupAction(req.url);
    if (action) o.onAction(action);
    return new Response(null, { status: 204 });
  });
}
