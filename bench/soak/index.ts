/**
 * Calls soak: 1,000 calls (SOAK_CALLS) ended every way a call ends — caller
 * hangup, provider end, provider socket death, transfer, voicemail, ARI drop,
 * ARI silent stall — through the real engine, fake Asterisk, fake Deepgram
 * agent and fake CRM (pre-call lookup, post-call webhook) on real sockets. Reports what was left (must be nothing), RSS after the first
 * and the last 100 calls, and the run time.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runSoak, type SoakReport } from '../../test/calls/support/soak.js';

export async function runSoakBench(): Promise<SoakReport> {
  const calls = Number(process.env.SOAK_CALLS ?? 1000);
  const r = await runSoak({
    calls,
    wave: Number(process.env.SOAK_WAVE ?? 20),
    progress: (done, total) => {
      if (done % 100 === 0 || done === total) console.log(`  ${done}/${total} calls`);
    },
  });
  const l = r.left;
  const leaks = l.bridges + l.channels + l.mediaLegs + l.liveCalls + l.activeRows + l.providerSockets + l.audiosocket.sockets + l.audiosocket.legs + l.rtp.ports + l.rtp.legs;
  console.log(`Soak: ${r.calls} calls in ${(r.durationMs / 1000).toFixed(1)} s`);
  console.log(`  endings   ${JSON.stringify(r.endings)}`);
  console.log(`  outcomes  ${JSON.stringify(r.outcomes)}`);
  console.log(`  RSS after the first 100 calls ${r.rssFirst100MiB} MiB, after the last 100 ${r.rssLast100MiB} MiB (${(r.rssLast100MiB - r.rssFirst100MiB).toFixed(1)} MiB)`);
  console.log(`  left: bridges ${l.bridges}, channels ${l.channels}, media legs ${l.mediaLegs}, live calls ${l.liveCalls}, active rows ${l.activeRows}/${l.rows}, provider sockets ${l.providerSockets}`);
  console.log(`        audiosocket ${JSON.stringify(l.audiosocket)}, rtp ${JSON.stringify(l.rtp)}, timers created and alive ${l.timersCreatedAndAlive}, sockets ${l.sockets.after}/${l.sockets.before}`);
  console.log(`  dialplan exits astray ${r.exitsAstray}, callers the reconciles reclaimed ${r.reconcileReclaimedCallers}, pre-call rows ${r.integrations.preCallRows}, post-call documents ${r.integrations.delivered}/${r.integrations.deliveries} delivered`);
  const whole = r.exitsAstray === 0 && r.reconcileReclaimedCallers === 0 && r.integrations.preCallRows === r.calls && r.integrations.delivered === r.calls;
  // Timers that live on: the ARI link's pings and the webhook queue's next look.
  console.log(leaks === 0 && whole && l.timersCreatedAndAlive <= 2 && l.sockets.after <= l.sockets.before ? '  nothing leaked' : '  LEAKS FOUND');
  const out = join(import.meta.dirname, '..', 'results');
  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, 'soak-latest.json'), JSON.stringify({ at: new Date().toISOString(), ...r }, null, 2));
  return r;
}

if (process.argv[1] && import.meta.filename === process.argv[1]) {
  await runSoakBench();
  process.exit(0);
}
