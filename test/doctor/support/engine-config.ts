/**
 * The engine config the doctor reads in its tests: the fake ARI's port, a free
 * AudioSocket port, an RTP range, the echo provider and the given contexts
 * (each greeting "hi"; the doctor checks their dialplan targets).
 */
import { freePort } from './fake-pbx.js';

/** A random RTP start in 20000–39999: the doctor checks the range, nothing binds it. */
export const someRtpStart = (): number => 20000 + Math.floor(Math.random() * 20000);

export async function doctorEngineConfig(ariPort: number, contexts: string[] = ['sales']): Promise<string> {
  const rtp = someRtpStart();
  return `default_provider: echo
asterisk:
  host: 127.0.0.1
  port: ${ariPort}
  username: aiagent
  password: \${ASTERISK_ARI_PASSWORD}
audiosocket:
  advertise_host: 127.0.0.1
  port: ${await freePort()}
external_media:
  advertise_host: 127.0.0.1
  port_range: "${rtp}-${rtp + 3}"
providers:
  echo:
    type: echo
contexts:
${contexts.map((c) => `  ${c}:\n    greeting: hi\n`).join('')}`;
}
