/**
 * Is a downloaded body a recording we can keep? (pure)
 * A misconfigured PBX answers `/file` with a small JSON error such as the
 * 33-byte `{"message":"Recording not found"}`; that must never be stored as audio.
 */
import { parseWavHeader, WavError, type WavInfo } from '../media/wav.js';

export type VerifyFailure =
  | { ok: false; code: 'json_error'; message: string; serverMessage?: string }
  | { ok: false; code: 'empty' | 'too_small' | 'bad_wav' | 'length_mismatch' | 'too_large'; message: string }
  /** Asterisk writes the WAV sizes when it closes the file: zero sizes with audio after them = still recording. */
  | { ok: false; code: 'in_progress'; message: string };

export type VerifyResult =
  | { ok: true; kind: 'wav'; info: WavInfo; analyzable: boolean; unsupportedReason?: string }
  | { ok: true; kind: 'other'; analyzable: false; unsupportedReason: string }
  | VerifyFailure;

/** Largest file we accept (4 GiB is the RIFF limit anyway). */
const MAX_RECORDING_BYTES = 4 * 1024 ** 3 - 1;

/** Recognises a JSON error body (ARI's `{"message": "..."}`), whatever the content type says. */
export function asJsonError(head: Buffer): { serverMessage?: string } | undefined {
  const text = head.toString('utf8', 0, Math.min(head.length, 4096)).trim();
  if (!text.startsWith('{') && !text.startsWith('[')) return undefined;
  try {
    const v = JSON.parse(text) as unknown;
    if (v && typeof v === 'object' && !Array.isArray(v)) {
      const o = v as Record<string, unknown>;
      const msg = typeof o.message === 'string' ? o.message : typeof o.error === 'string' ? o.error : undefined;
      return msg === undefined ? {} : { serverMessage: msg };
    }
    return {};
  } catch {
    // a truncated JSON head still smells like JSON
    return /^\{\s*"(message|error)"/.test(text) ? {} : undefined;
  }
}

/** 16-bit PCM (plain or WAVE_FORMAT_EXTENSIBLE) is what analysis reads. */
const PCM_LIKE = new Set([1, 0xfffe]);

/**
 * Checks a download. `head` is the first bytes of the file (at least 64 KiB or
 * the whole file), `totalBytes` its size, `format` ARI's listed format.
 */
export function verifyDownload(head: Buffer, totalBytes: number, format: string): VerifyResult {
  if (totalBytes === 0) return { ok: false, code: 'empty', message: 'the server sent an empty body' };
  const json = asJsonError(head);
  if (json) {
    const quoted = json.serverMessage ? `: "${json.serverMessage}"` : '';
    return { ok: false, code: 'json_error', message: `the server sent a ${totalBytes}-byte JSON error instead of audio${quoted}`, ...json };
  }
  if (totalBytes > MAX_RECORDING_BYTES) return { ok: false, code: 'too_large', message: `${totalBytes} bytes is larger than any WAV can be` };
  const fmt = format.toLowerCase();
  if (fmt !== 'wav' && fmt !== 'wav16') {
    // gsm, ulaw, alaw, sln, g722, ...: keep the file, but analysis cannot read it.
    if (totalBytes < 32) return { ok: false, code: 'too_small', message: `${totalBytes} bytes is too small for a ${fmt} recording` };
    return { ok: true, kind: 'other', analyzable: false, unsupportedReason: `format "${fmt}" is not supported for analysis (only WAV)` };
  }
  if (totalBytes < 44) return { ok: false, code: 'too_small', message: `${totalBytes} bytes is too small for a WAV file (44-byte header)` };
  let info: WavInfo;
  try {
    info = parseWavHeader(head, totalBytes);
  } catch (err) {
    const msg = err instanceof WavError ? err.message : String(err);
    return { ok: false, code: 'bad_wav', message: `not a usable WAV file: ${msg}` };
  }
  // The data chunk must account for the file: header + data, allowing trailing chunks (LIST etc.).
  const declared = head.readUInt32LE(info.dataOffset - 4);
  if (declared !== 0xffffffff && declared !== 0 && info.dataOffset + declared > totalBytes) {
    return { ok: false, code: 'length_mismatch', message: `the WAV header announces ${declared} data bytes but only ${totalBytes - info.dataOffset} arrived` };
  }
  const riffSize = head.readUInt32LE(4);
  if ((declared === 0 || riffSize === 0) && totalBytes > info.dataOffset) {
    return { ok: false, code: 'in_progress', message: 'the WAV header is not final yet (the call is still being recorded)' };
  }
  if (info.blockAlign > 0 && info.dataBytes % info.blockAlign !== 0 && info.audioFormat === 1) {
    return { ok: false, code: 'length_mismatch', message: `${info.dataBytes} data bytes is not a whole number of ${info.blockAlign}-byte frames` };
  }
  if (!PCM_LIKE.has(info.audioFormat)) {
    return { ok: true, kind: 'wav', info, analyzable: false, unsupportedReason: `WAV codec ${info.audioFormat} (e.g. GSM 6.10 = 49) is not supported for analysis` };
  }
  if (info.bitsPerSample !== 16) {
    return { ok: true, kind: 'wav', info, analyzable: false, unsupportedReason: `${info.bitsPerSample}-bit PCM is not supported for analysis` };
  }
  return { ok: true, kind: 'wav', info, analyzable: true };
}
