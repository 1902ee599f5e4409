import { describe, expect, it } from 'vitest';
import { channelVars, varsToFetch, DtmfDedupe, mediaLegChannelId } from '../../engine/src/calls/call-vars.js';
import type { AriChannel } from '../../engine/src/ari/ari-types.js';
import { hasFixtures, readFixtureJson } from '../support/shared-fixtures.js';

const channel = (channelvars: Record<string, string>): AriChannel => ({
  id: '1.1',
  name: 'PJSIP/100-1',
  state: 'Up',
  caller: { name: ' Test Caller ', number: '7175882255' },
  channelvars,
});

describe('channel variables for resolveCall', () => {
  it('takes AI_* from channelvars (empty means unset) and caller id from the channel', () => {
    const ch = channel({ AI_PROVIDER: 'openai_realtime', AI_CONTEXT: '' });
    expect(varsToFetch(ch)).toEqual(['AI_GREETING', 'AI_PERSONA', 'AI_TRANSPORT']);
    expect(channelVars(ch, { AI_GREETING: 'Hi', AI_PERSONA: undefined })).toEqual({
      AI_PROVIDER: 'openai_realtime',
      AI_GREETING: 'Hi',
      callerName: 'Test Caller',
      callerNumber: '7175882255',
    });
  });

  it.skipIf(!hasFixtures)('reads the captured GET /channels/{id} body', () => {
    const body = readFixtureJson<{ response_body: AriChannel }>('ari', 'rest', 'get-channel.json').response_body;
    expect(channelVars(body)).toMatchObject({ AI_PROVIDER: 'openai_realtime', AI_CONTEXT: 'demo', callerNumber: '7175882255' });
  });

  it('names media legs by call id', () => {
    expect(mediaLegChannelId('abc')).toBe('aava-abc-media');
  });
});

describe('DTMF de-duplication', () => {
  it('drops the second report of one key from the other source, keeps real repeats', () => {
    const d = new DtmfDedupe(150);
    expect(d.accept('5', 'ari', 0)).toBe(true);
    expect(d.accept('5', 'media', 20)).toBe(false);
    expect(d.accept('5', 'media', 400)).toBe(true);
    expect(d.accept('5', 'media', 450)).toBe(true); // same source twice = pressed twice
    expect(d.accept('6', 'ari', 460)).toBe(true);
  });
});
