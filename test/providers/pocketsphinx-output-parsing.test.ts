import { describe, expect, it } from 'vitest';
import { parsePocketsphinxOutput, PocketsphinxOutputParser } from '../../engine/src/speech/pocketsphinx-parse.js';

const OUT = `one two three
<s> 0.000 0.220 1.000000
one 0.230 0.450 0.702619
two(2) 0.460 0.640 0.675606
<sil> 0.650 0.700 1.000000
[NOISE] 0.710 0.720 0.500000
three 0.730 1.000 1.000100
</s> 1.010 1.090 1.000000
hello
<s> 3.850 4.000 1.000000
hello 4.010 4.410 0.770181
</s> 4.420 4.510 1.000000
`;

describe('pocketsphinx -time yes output parsing', () => {
  it('turns utterances into text with word times from the stream start', () => {
    const u = parsePocketsphinxOutput(OUT);
    expect(u.map((x) => x.text)).toEqual(['one two three', 'hello']);
    expect(u[0]!.words).toEqual([
      { word: 'one', startSec: 0.23, endSec: 0.45, confidence: 0.702619 },
      { word: 'two', startSec: 0.46, endSec: 0.64, confidence: 0.675606 },
      { word: 'three', startSec: 0.73, endSec: 1.0, confidence: 1.0001 },
    ]);
    expect(u[1]).toMatchObject({ startSec: 4.01, endSec: 4.41 });
  });

  it('parses incrementally across arbitrary chunk boundaries', () => {
    const p = new PocketsphinxOutputParser();
    const got = [];
    for (let i = 0; i < OUT.length; i += 7) got.push(...p.push(OUT.slice(i, i + 7)));
    got.push(...p.end());
    expect(got.map((u) => u.text)).toEqual(['one two three', 'hello']);
  });

  it('reports an utterance with nothing recognized as empty text', () => {
    const p = new PocketsphinxOutputParser();
    expect(p.push('\n<s> 0.000 0.100 1.0\n<sil> 0.1 0.5 1.0\n</s> 0.510 0.600 1.0\n')).toEqual([{ text: '', startSec: 0, endSec: 0.6, words: [] }]);
    expect(parsePocketsphinxOutput('\n<s> 0.000 0.100 1.0\n</s> 0.510 0.600 1.0\n')).toEqual([]);
  });
});
