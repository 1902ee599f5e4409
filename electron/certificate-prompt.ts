/** Wires certificate-trust.ts into Electron: the `certificate-error` event and a fingerprint dialog. */
import { app, dialog, type BrowserWindow } from 'electron';
import { createCertificateErrorHandler } from './certificate-trust.js';
import type { PrefsFile } from './prefs.js';

export function installCertificateTrust(o: {
  prefs: () => PrefsFile;
  softphoneUrls: () => readonly string[];
  window: () => BrowserWindow | undefined;
  warn: (hostPort: string, message: string) => void;
}): void {
  const handler = createCertificateErrorHandler({
    softphoneUrls: o.softphoneUrls,
    pinned: () => o.prefs().get().trustedCertificates,
    pin: (hostPort, fingerprint) => o.prefs().update((p) => void (p.trustedCertificates[hostPort] = fingerprint)),
    warn: o.warn,
    async ask(hostPort, fingerprint, issuer) {
      const opts = {
        type: 'warning' as const,
        title: 'Untrusted PBX certificate',
        message: `The softphone server ${hostPort} presents a certificate this computer does not trust.`,
        detail: `Issuer: ${issuer}\nSHA-256 fingerprint: ${fingerprint}\n\nCompare it with the PBX's certificate (FreePBX: Admin → Certificate Management) before trusting it. It will be pinned: a different certificate later is refused.`,
        buttons: ['Trust this certificate', 'Cancel'],
        defaultId: 1,
        cancelId: 1,
      };
      const win = o.window();
      const r = win ? await dialog.showMessageBox(win, opts) : await dialog.showMessageBox(opts);
      return r.response === 0;
    },
  });
  app.on('certificate-error', handler);
}
