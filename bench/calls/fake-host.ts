/**
 * The fake Asterisk in its own process for the calls bench, so the engine's
 * CPU and memory are measured apart from the PBX side. Driven over IPC.
 */
import { FakeAsterisk, tone, silence, concatPcm, type CallerHandle } from '../../test/fakes/asterisk/index.js';

type Msg = { type: 'inject'; n: number; seconds: number } | { type: 'hangupAll' } | { type: 'inspect' } | { type: 'stop' };

const fake = await new FakeAsterisk({ legStasisOrder: 'after-response' }).start();
const callers: CallerHandle[] = [];
const send = (m: unknown) => process.send?.(m);
send({ type: 'ready', port: fake.port });

process.on('message', (m: Msg) => {
  switch (m.type) {
    case 'inject': {
      for (let i = 0; i < m.n; i++) {
        const hz = 500 + (i % 40) * 35;
        const cycles = Math.ceil((m.seconds * 1000) / 1400) + 2;
        const pattern = concatPcm(Array.from({ length: cycles }, () => concatPcm([silence(500 + (i % 7) * 30), tone(hz, 600), silence(300)])));
        callers.push(fake.injectCall({ callerNumber: String(10000 + i), audio: pattern }));
      }
      send({ type: 'injected' });
      return;
    }
    case 'hangupAll':
      for (const c of callers.splice(0)) if (!c.gone) c.hangup();
      send({ type: 'done' });
      return;
    case 'inspect':
      send({ type: 'inspect', ...fake.inspect() });
      return;
    case 'stop':
      void fake.stop().then(() => process.exit(0));
      return;
  }
});
