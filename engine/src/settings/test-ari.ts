/** Test Connection for the agent's ARI settings: GET /ari/asterisk/info, mapped to causes and fixes. */
import type { AgentConfig } from '../config/schema.js';

export interface AriTestResult {
  ok: boolean;
  message: string;
  fix?: string;
}

export async function testAriConnection(a: AgentConfig['asterisk'], timeoutMs = 5000): Promise<AriTestResult> {
  const url = `${a.scheme}://${a.host}:${a.port}/ari/asterisk/info`;
  const auth = Buffer.from(`${a.username}:${a.password}`).toString('base64');
  try {
    const res = await fetch(url, { headers: { Authorization: `Basic ${auth}` }, signal: AbortSignal.timeout(timeoutMs) });
    await res.text();
    if (res.status === 200) return { ok: true, message: `Connected to ARI at ${a.host}:${a.port} as ${a.username}` };
    if (res.status === 401) return { ok: false, message: `ARI rejected user "${a.username}" (401)`, fix: 'Check the ARI user and password (Settings → Asterisk REST Interface in FreePBX, or ari_additional_custom.conf).' };
    if (res.status === 404) return { ok: false, message: 'ARI is not enabled on this HTTP server (404)', fix: 'Enable ARI (ari.conf [general] enabled = yes) and load res_ari.so.' };
    return { ok: false, message: `ARI answered HTTP ${res.status}` };
  } catch (err) {
    const cause = (err as { cause?: { code?: string } }).cause?.code ?? (err as Error).name;
    if (cause === 'ECONNREFUSED') return { ok: false, message: `Connection refused by ${a.host}:${a.port}`, fix: 'Asterisk HTTP is not listening there: set bindaddr in /etc/asterisk/http_custom.conf and check the firewall.' };
    if (cause === 'TimeoutError' || cause === 'UND_ERR_CONNECT_TIMEOUT') return { ok: false, message: `No answer from ${a.host}:${a.port} within ${timeoutMs} ms`, fix: 'Check the address, and that the PBX firewall allows this workstation on the ARI port.' };
    if (cause === 'ENOTFOUND') return { ok: false, message: `Host "${a.host}" not found`, fix: 'Check the host name.' };
    return { ok: false, message: `Cannot reach ARI: ${(err as Error).message} (${cause})` };
  }
}
