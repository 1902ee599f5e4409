/** /health as a checklist, with the fix for every failed item. Pure. */
import type { HealthReport } from '../api/contract';

export interface ChecklistItem {
  id: string;
  title: string;
  status: 'pass' | 'warn' | 'fail';
  detail: string;
  fix?: string;
}

type TransportHealth = HealthReport['transports'][string];

function transportItem(name: string, t: TransportHealth): ChecklistItem {
  const id = `transport:${name}`;
  const title = `${name} listening`;
  const where = `bind ${t.bind}, Asterisk connects to ${t.advertise}`;
  if (!t.listening)
    return {
      id,
      title,
      status: 'fail',
      detail: `${t.reason ?? 'not listening'} (bind ${t.bind}, advertise ${t.advertise})`,
      fix: `Free the port or change it in the config; make sure the advertise host ${t.advertise} is this machine’s address as Asterisk sees it and the firewall allows it.`,
    };
  if (!t.warning) return { id, title, status: 'pass', detail: where };
  return {
    id,
    title,
    status: 'warn',
    detail: `${where}; ${t.warning}`,
    fix:
      'Give the engine CAP_SYS_NICE (AmbientCapabilities=CAP_SYS_NICE in its systemd unit) or run it as root; realtime also needs `chrt` (util-linux) on its PATH. ' +
      'Or ask for less: media_worker_nice closer to 0, media_worker_realtime: false.',
  };
}

export function healthChecklist(h: HealthReport): ChecklistItem[] {
  const items: ChecklistItem[] = [];
  items.push(
    h.config_error
      ? {
          id: 'config',
          title: 'Configuration',
          status: 'fail',
          detail: h.config_error,
          fix: `Correct ${h.config_path} at the path named above (or use Contexts to edit); the engine keeps the last good config meanwhile.`,
        }
      : { id: 'config', title: 'Configuration', status: 'pass', detail: `${h.config_path} loaded ${h.config_loaded_at}` },
  );
  items.push(
    h.ari_connected
      ? { id: 'ari', title: 'Asterisk ARI connected', status: 'pass', detail: 'The Stasis app is registered.' }
      : {
          id: 'ari',
          title: 'Asterisk ARI connected',
          status: 'fail',
          detail: h.ari_reason ?? 'not connected',
          fix:
            'Check Settings → Asterisk ARI (host, port, user, password) and press Test Connection. On the PBX: an ari.conf user (read_only = no), ' +
            'http.conf enabled = yes with bindaddr reachable from this machine, then `fwconsole reload`; `asterisk -rx "ari show users"` lists the user.',
        },
  );
  const transports = Object.entries(h.transports);
  if (transports.length === 0) items.push({ id: 'transport', title: 'Media transport', status: 'warn', detail: 'No transport reported yet.' });
  for (const [name, t] of transports) items.push(transportItem(name, t));
  const providers = Object.entries(h.providers);
  if (providers.length === 0) items.push({ id: 'providers', title: 'Providers', status: 'warn', detail: 'No provider reported yet.' });
  for (const [name, p] of providers) {
    if (p.ready) {
      items.push({ id: `provider:${name}`, title: `${name} ready`, status: 'pass', detail: `${p.kind} · ${p.type}` });
      continue;
    }
    const reason = p.reason ?? p.lastError ?? 'not ready';
    const keyHint = /key|auth|401|credential/i.test(reason)
      ? 'Set the API key in Settings → Provider keys (stored in the secret store), then check again.'
      : 'Check the provider’s options in the config and the network path to its service.';
    items.push({ id: `provider:${name}`, title: `${name} ready`, status: 'fail', detail: `${p.kind} · ${p.type}: ${reason}`, fix: keyHint });
  }
  const r = h.recordings;
  if (r?.enabled) {
    if (r.last_result === 'failed')
      items.push({
        id: 'recordings',
        title: 'Recordings sync',
        status: 'fail',
        detail: `Last sync ${r.last_sync_at ?? 'never'} failed: ${r.last_error ?? 'unknown error'}`,
        fix: 'Open Settings → FreePBX Integration and press Test Connection: it names the cause (refused, TLS, credentials, symlink) and the fix.',
      });
    else if (!r.last_sync_at) items.push({ id: 'recordings', title: 'Recordings sync', status: 'warn', detail: 'Enabled, not synced yet.', fix: 'Press Sync now on the Recordings page.' });
    else items.push({ id: 'recordings', title: 'Recordings sync', status: 'pass', detail: `Last sync ${r.last_sync_at}${r.last_result === 'running' ? ' (running now)' : ''}` });
  } else {
    items.push({ id: 'recordings', title: 'Recordings sync', status: 'warn', detail: 'Disabled.', fix: 'Enable it under Settings → FreePBX Integration to review call recordings.' });
  }
  return items;
}
