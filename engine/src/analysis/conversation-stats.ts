/**
 * Conversation statistics from time-aligned segments (pure): talk ratio per
 * speaker, silence share, longest monologue and interruptions.
 */
import type { ConversationStats } from '../api/recordings.js';

export interface TimedSegment {
  startSec: number;
  endSec: number;
  speaker: string;
}

/** Total length of the union of intervals. */
function unionLength(spans: [number, number][]): number {
  const sorted = spans.filter(([a, b]) => b > a).sort((x, y) => x[0] - y[0]);
  let total = 0;
  let curStart = -Infinity;
  let curEnd = -Infinity;
  for (const [a, b] of sorted) {
    if (a > curEnd) {
      if (curEnd > curStart) total += curEnd - curStart;
      curStart = a;
      curEnd = b;
    } else curEnd = Math.max(curEnd, b);
  }
  if (curEnd > curStart) total += curEnd - curStart;
  return total;
}

export interface StatsOptions {
  /** A gap shorter than this between one speaker's segments keeps the monologue going, seconds. */
  monologueGapSec?: number;
  /** Another speaker starting this long before the current one ends counts as an interruption, seconds. */
  minOverlapSec?: number;
}

export function conversationStats(segments: readonly TimedSegment[], durationSec: number, opts: StatsOptions = {}): ConversationStats {
  const gap = opts.monologueGapSec ?? 1.5;
  const minOverlap = opts.minOverlapSec ?? 0.3;
  const segs = segments.filter((s) => s.endSec > s.startSec).sort((a, b) => a.startSec - b.startSec || a.endSec - b.endSec);
  const perSpeaker = new Map<string, [number, number][]>();
  for (const s of segs) {
    const list = perSpeaker.get(s.speaker) ?? [];
    list.push([s.startSec, s.endSec]);
    perSpeaker.set(s.speaker, list);
  }
  const talk = new Map([...perSpeaker].map(([k, v]) => [k, unionLength(v)]));
  const totalTalk = [...talk.values()].reduce((a, b) => a + b, 0);
  const talkRatio: Record<string, number> = {};
  for (const [k, v] of talk) talkRatio[k] = totalTalk > 0 ? round3(v / totalTalk) : 0;

  const speech = unionLength(segs.map((s) => [s.startSec, s.endSec]));
  const duration = Math.max(durationSec, segs.reduce((m, s) => Math.max(m, s.endSec), 0));
  const silenceShare = duration > 0 ? round3(Math.max(0, 1 - speech / duration)) : 0;

  // Longest monologue: consecutive turns by one speaker, bridged over short gaps, not broken by others' short backchannels overlapping it.
  let longest = 0;
  let runSpeaker: string | undefined;
  let runStart = 0;
  let runEnd = 0;
  for (const s of segs) {
    if (s.speaker === runSpeaker && s.startSec - runEnd <= gap) runEnd = Math.max(runEnd, s.endSec);
    else if (s.speaker !== runSpeaker && s.endSec <= runEnd) continue; // fully inside the current run: a backchannel
    else {
      runSpeaker = s.speaker;
      runStart = s.startSec;
      runEnd = s.endSec;
    }
    longest = Math.max(longest, runEnd - runStart);
  }

  // Interruptions: a speaker starts while another is still talking, overlapping by at least minOverlap.
  let interruptions = 0;
  for (let i = 1; i < segs.length; i++) {
    const cur = segs[i]!;
    for (let j = i - 1; j >= 0; j--) {
      const prev = segs[j]!;
      if (prev.speaker === cur.speaker) continue;
      if (prev.startSec < cur.startSec && prev.endSec - cur.startSec >= minOverlap) {
        interruptions++;
        break;
      }
    }
  }
  return { talkRatio, silenceShare, longestMonologueSec: round3(longest), interruptions };
}

function round3(v: number): number {
  return Math.round(v * 1000) / 1000;
}
