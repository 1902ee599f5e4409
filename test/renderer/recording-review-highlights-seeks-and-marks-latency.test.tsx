import { act, cleanup, fireEvent, screen } from '@testing-library/react';
import type { RecordingDetail } from '../../renderer/src/api/contract';
import { disposeStores, renderWithStores } from './support/render-app';

// wavesurfer.js needs canvas and Web Audio; this stand-in keeps its event API and records seeks.
const fake = vi.hoisted(() => {
  type Handler = (...a: unknown[]) => void;
  const state = { handlers: new Map<string, Handler[]>(), seeks: [] as number[], url: '', duration: 0, created: 0, destroyed: 0 };
  const instance = {
    on(ev: string, h: Handler) {
      state.handlers.set(ev, [...(state.handlers.get(ev) ?? []), h]);
      return () => state.handlers.set(ev, (state.handlers.get(ev) ?? []).filter((x) => x !== h));
    },
    emit(ev: string, ...a: unknown[]) {
      for (const h of state.handlers.get(ev) ?? []) h(...a);
    },
    getDuration: () => state.duration,
    setTime(t: number) {
      state.seeks.push(t);
      instance.emit('timeupdate', t);
    },
    playPause: async () => instance.emit('play'),
    destroy() {
      state.destroyed++;
    },
  };
  return { state, instance };
});
vi.mock('wavesurfer.js', () => ({
  default: {
    create(opts: { url: string }) {
      fake.state.url = opts.url;
      fake.state.created++;
      return fake.instance;
    },
  },
}));

const { RecordingReview } = await import('../../renderer/src/pages/recordings/RecordingReview');

afterEach(() => {
  cleanup();
  disposeStores();
  fake.state.handlers.clear();
  fake.state.seeks.length = 0;
});

const rec: RecordingDetail = {
  id: 'r1',
  name: 'monitor/2026/11/21/in-2125550123-7175882255-20261121-065046-1795243846.27',
  direction: 'in',
  source: '7175882255',
  destination: '2125550123',
  startedAt: '2026-11-21T06:50:46Z',
  durationSec: 20,
  sizeBytes: 320_000,
  status: 'analyzed',
  sentiment: 'negative',
  sentimentScore: -0.4,
  audioPath: 'recordings/r1/audio',
  segments: [
    { startSec: 0.5, endSec: 4, speaker: 'agent', text: 'Hello, billing department.', sentiment: 0.3 },
    { startSec: 5, endSec: 9, speaker: 'caller', text: 'My bill is wrong.', sentiment: -0.6 },
    { startSec: 10, endSec: 14, speaker: 'agent', text: 'Let me check that.' },
  ],
  stats: { talkRatio: { agent: 0.55, caller: 0.3 }, silenceShare: 0.15, longestMonologueSec: 4, interruptions: 1 },
  latencyMarkers: [{ atSec: 10, latencyMs: 820 }],
};

describe('Recording review', () => {
  it('loads the media URL, highlights the line under the playhead, seeks on click, and places latency markers', () => {
    fake.state.duration = 20;
    renderWithStores(<RecordingReview rec={rec} />);
    expect(fake.state.url).toBe('http://engine.test/media/recordings/r1/audio');
    act(() => fake.instance.emit('ready', 20));
    const lines = screen.getAllByRole('listitem').filter((li) => li.classList.contains('line'));
    expect(lines.map((l) => l.getAttribute('aria-current'))).toEqual([null, null, null]);

    act(() => fake.instance.emit('timeupdate', 6.2));
    expect(lines[1]!.getAttribute('aria-current')).toBe('true');
    expect(screen.getByTestId('player-time').textContent).toBe('0:06 / 0:20');
    act(() => fake.instance.emit('timeupdate', 9.5));
    expect(lines.every((l) => l.getAttribute('aria-current') === null)).toBe(true);

    fireEvent.click(screen.getByRole('button', { name: /Let me check that\./ }));
    expect(fake.state.seeks).toEqual([10.01]);
    expect(lines[2]!.getAttribute('aria-current')).toBe('true');

    const marker = document.querySelector('.latency-marker') as HTMLElement;
    expect(marker.style.left).toBe('50%');
    expect(marker.textContent).toBe('820 ms');
    const blocks = [...document.querySelectorAll('.sent-block')] as HTMLElement[];
    expect(blocks.map((b) => b.className)).toEqual(['sent-block sent-positive', 'sent-block sent-negative', 'sent-block sent-neutral']);
    expect(blocks[1]!.style.left).toBe('25%');
    expect(screen.getByText('Silence').nextSibling?.textContent).toBe('15 %');
    expect(screen.getByText('Talk caller').nextSibling?.textContent).toBe('30 %');
  });
});
