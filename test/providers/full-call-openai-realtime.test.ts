/**
 * Full calls through the call engine and the fake Asterisk (AudioSocket)
 * with the openai_realtime provider against the TLS Realtime fake.
 */
import { describe, expect, it } from 'vitest';
import type { RealtimeFakeOptions } from '../fakes/openai/realtime-server.js';
import { startWithProvider, audibleMs, callDetail, endedOutcome, until, tone, silence, concatPcm, tonePower } from '../support/calls-harness.js';
import { realtimeFake, utterance } from '../support/provider-fakes.js';

async function start(opts: RealtimeFakeOptions, over: Record<string, unknown> = {}, provider: Record<string, unknown> = {}) {
  const rt = await realtimeFake(opts);
  const h = await startWithProvider('openai', { ...rt.provider, ...provider }, over);
  return { h, fake: rt.fake };
}

describe('full call with openai_realtime', () => {
  it('greeting heard, a caller utterance gets a reply, both sides in the call record', async () => {
    const { h, fake } = await start({ turns: [{ transcript: 'what are your hours', reply: { text: 'Nine to five.', audioMs: 800 } }] });
    const caller = h.fake.injectCall({ callerNumber: '2001', audio: silence(100) });
    await until(() => tonePower(caller.received(), 440) > 300, 'greeting heard', 10_000);
    const afterGreeting = audibleMs(caller.received());
    caller.say(utterance());
    await until(() => audibleMs(caller.received()) > afterGreeting + 500, 'reply heard', 10_000);
    const id = h.service.controller.active[0]!.id;
    await until(async () => (await callDetail(h, id)).transcript.some((l) => l.text === 'Nine to five.'), 'agent transcript recorded');
    const detail = await callDetail(h, id);
    expect(detail.provider).toBe('openai');
    expect(detail.transcript.some((l) => l.text === 'what are your hours')).toBe(true);
    expect(fake.received('input_audio_buffer.append').length).toBeGreaterThan(10);
    caller.hangup();
    await until(() => endedOutcome(h) === 'caller_hangup', 'call ended');
  });

  it('over ExternalMedia RTP with audio_format pcmu, G.711 goes straight through', async () => {
    const { h, fake } = await start({ turns: [{ transcript: 'hi', reply: { text: 'Hi there.', audioMs: 600 } }] }, { audio_transport: 'externalmedia' }, { audio_format: 'pcmu' });
    const caller = h.fake.injectCall({ callerNumber: '2005', audio: silence(100) });
    await until(() => tonePower(caller.received(), 440) > 300, 'greeting heard over RTP', 10_000);
    const session = fake.received('session.update')[0]!.session as { audio: { input: { format: unknown }; output: { format: unknown } } };
    expect(session.audio.input.format).toEqual({ type: 'audio/pcmu' });
    expect(session.audio.output.format).toEqual({ type: 'audio/pcmu' });
    const afterGreeting = audibleMs(caller.received());
    caller.say(utterance());
    await until(() => audibleMs(caller.received()) > afterGreeting + 300, 'reply heard', 10_000);
    // µ-law in: 160 bytes per 20 ms append (no resampling to 24 kHz).
    const sizes = fake.received('input_audio_buffer.append').map((e) => Buffer.from(String(e.audio), 'base64').length);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(160 * 3);
    expect(sizes.every((n) => n % 160 === 0)).toBe(true);
  });

  it('a tool call performs a transfer into the dialplan', async () => {
    const { h, fake } = await start({
      turns: [{ transcript: 'sales please', reply: { tool: { name: 'transfer', arguments: { destination: 'sales_queue' } } } }],
      afterTool: () => ({ text: 'Transferring you now.', audioMs: 400 }),
    });
    const caller = h.fake.injectCall({ callerNumber: '2002', audio: concatPcm([silence(1500), utterance()]) });
    await until(() => caller.continuedTo, 'continue into the dialplan', 15_000);
    expect(caller.continuedTo).toEqual({ context: 'from-internal', extension: '400', priority: 1 });
    await until(() => endedOutcome(h) === 'transferred', 'transferred');
    expect(fake.received('conversation.item.create').some((e) => (e.item as { type?: string }).type === 'function_call_output')).toBe(true);
  });

  it('barge-in cuts the agent audio the caller hears', async () => {
    const { h, fake } = await start({ turns: [{ transcript: 'tell me a story', reply: { text: 'Once upon a time.', audioMs: 20_000 } }] });
    const caller = h.fake.injectCall({ callerNumber: '2003', audio: concatPcm([silence(1500), utterance()]) });
    await until(() => fake.received('response.create').length >= 1 && audibleMs(caller.received()) > 1500, 'the long reply is playing', 15_000);
    caller.say(concatPcm([tone(300, 600, 8000, 9000), silence(300)]));
    await until(() => fake.received('response.cancel').length >= 1, 'response.cancel sent', 10_000);
    const heardAtCancel = audibleMs(caller.received());
    // Wait the time the rest of the reply would have played for a bit, then compare.
    await new Promise((r) => setTimeout(r, 1500));
    const later = audibleMs(caller.received());
    expect(later - heardAtCancel).toBeLessThan(1000);
    expect(later).toBeLessThan(12_000);
    expect(caller.gone).toBe(false);
  });

  it('a provider disconnect mid-call whose reconnect is refused follows on_provider_failure (continue)', async () => {
    const { h, fake } = await start({}, { on_provider_failure: { action: 'continue', message: 'Sorry.', context: 'from-internal', extension: '100', priority: 1 } });
    const caller = h.fake.injectCall({ callerNumber: '2004', audio: silence(100) });
    await until(() => tonePower(caller.received(), 440) > 300, 'greeting heard', 10_000);
    fake.refuseConnections(503);
    fake.dropAll();
    await until(() => caller.continuedTo, 'back to the dialplan', 10_000);
    expect(caller.continuedTo).toEqual({ context: 'from-internal', extension: '100', priority: 1 });
    expect(fake.refusedAt).toHaveLength(1);
    await until(() => endedOutcome(h) === 'provider_error', 'outcome provider_error');
    expect(h.health().providers.openai).toMatchObject({ ready: true, lastError: expect.stringMatching(/connection closed/) });
  });
});
