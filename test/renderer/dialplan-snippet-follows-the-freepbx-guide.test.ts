import { describe, it, expect } from 'vitest';
import { dialplanFor, customDestinationFor } from '../../renderer/src/components/DialplanSnippet';

describe('dialplan snippets', () => {
  it('the default context is the guide\'s minimal [from-ai-agent]', () => {
    expect(dialplanFor('default')).toBe('[from-ai-agent]\nexten => s,1,NoOp(AI voice agent)\n same => n,Stasis(asterisk-ai-voice-agent)\n same => n,Hangup()');
    expect(customDestinationFor('default')).toBe('from-ai-agent,s,1');
  });
  it('other contexts set AI_CONTEXT before Stasis()', () => {
    expect(dialplanFor('sales', 'my-app')).toBe('[from-ai-agent-sales]\nexten => s,1,NoOp(AI voice agent: sales)\n same => n,Set(AI_CONTEXT=sales)\n same => n,Stasis(my-app)\n same => n,Hangup()');
    expect(customDestinationFor('after_hours')).toBe('from-ai-agent-after_hours,s,1');
  });
});

describe('dialplan snippet with a chosen media transport', () => {
  it('sets AI_TRANSPORT before Stasis() when a transport is chosen', () => {
    expect(dialplanFor('sales', 'my-app', 'websocket')).toBe(
      '[from-ai-agent-sales]\nexten => s,1,NoOp(AI voice agent: sales)\n same => n,Set(AI_CONTEXT=sales)\n same => n,Set(AI_TRANSPORT=websocket)\n same => n,Stasis(my-app)\n same => n,Hangup()',
    );
    expect(dialplanFor('default', undefined, 'audiosocket')).toContain(' same => n,Set(AI_TRANSPORT=audiosocket)\n same => n,Stasis(asterisk-ai-voice-agent)');
  });
});
