/** Generated WAVs with FreePBX MixMonitor names, for sync tests and the bench. */
import { encodeWav } from '../../../engine/src/media/wav.js';

const TYPES = ['out', 'in', 'internal', 'external', 'q', 'rg', 'conf', 'exten', 'ondemand'] as const;

/** A short 8 kHz mono 16-bit tone; `seed` varies pitch and length so files differ. */
export function toneWav(seed: number, durationMs = 200, sampleRate = 8000): Buffer {
  const n = Math.round((sampleRate * durationMs) / 1000);
  const pcm = Buffer.alloc(n * 2);
  const hz = 300 + (seed % 50) * 10;
  for (let i = 0; i < n; i++) pcm.writeInt16LE(Math.round(8000 * Math.sin((2 * Math.PI * hz * i) / sampleRate)), i * 2);
  return encodeWav(pcm, sampleRate);
}

/** `monitor/YYYY/MM/DD/<type>-<dest>-<src>-YYYYMMDD-HHMMSS-<epoch>.<seq>` */
export function freepbxName(i: number, base = Date.UTC(2026, 10, 21, 6, 0, 0)): string {
  const t = new Date(base + i * 37_000);
  const p = (v: number, w = 2) => String(v).padStart(w, '0');
  const ymd = `${t.getUTCFullYear()}${p(t.getUTCMonth() + 1)}${p(t.getUTCDate())}`;
  const hms = `${p(t.getUTCHours())}${p(t.getUTCMinutes())}${p(t.getUTCSeconds())}`;
  const type = TYPES[i % TYPES.length]!;
  const uniq = `${Math.floor(t.getTime() / 1000)}.${i}`;
  return `monitor/${t.getUTCFullYear()}/${p(t.getUTCMonth() + 1)}/${p(t.getUTCDate())}/${type}-${2125550100 + (i % 100)}-${200 + (i % 7)}-${ymd}-${hms}-${uniq}`;
}
