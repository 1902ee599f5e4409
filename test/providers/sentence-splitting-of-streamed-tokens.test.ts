import { describe, expect, it } from 'vitest';
import { SentenceSplitter } from '../../engine/src/providers/pipeline/sentence-splitter.js';

function feed(tokens: string[], opts = {}): string[][] {
  const s = new SentenceSplitter(opts);
  const out = tokens.map((t) => s.push(t));
  out.push(s.flush());
  return out;
}

describe('sentence splitting of streamed LLM tokens', () => {
  it('emits each sentence as soon as the whitespace after its end arrives', () => {
    const out = feed(['Hello', ' there', '.', ' How', ' are', ' you', '?', ' Fine', '!']);
    expect(out).toEqual([[], [], [], ['Hello there.'], [], [], [], ['How are you?'], [], ['Fine!']]);
  });

  it('does not cut after abbreviations, initials or inside decimals', () => {
    const s = new SentenceSplitter();
    const got = [...s.push('Dr. Smith met J. Doe at 3.5 p.m. on Main St. today. Next one.'), ...s.flush()];
    expect(got).toEqual(['Dr. Smith met J. Doe at 3.5 p.m. on Main St. today.', 'Next one.']);
  });

  it('keeps closing quotes with their sentence and cuts on newlines', () => {
    const s = new SentenceSplitter();
    expect(s.push('He said "stop." Then left.\nNew line here')).toEqual(['He said "stop."', 'Then left.']);
    expect(s.flush()).toEqual(['New line here']);
  });

  it('cuts an overlong run at a comma so the first audio is not held back', () => {
    const s = new SentenceSplitter({ maxChars: 40 });
    const out = s.push('This clause is rather long, and it keeps going without any full stop at all');
    expect(out).toEqual(['This clause is rather long,']);
    expect(s.flush()).toEqual(['and it keeps going without any full stop at all']);
  });

  it('flush returns nothing for whitespace only', () => {
    const s = new SentenceSplitter();
    s.push('   ');
    expect(s.flush()).toEqual([]);
  });
});
