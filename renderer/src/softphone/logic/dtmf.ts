/** DTMF digits and their in-band tone pairs (ITU-T Q.23). Pure. */
const LOW = [697, 770, 852, 941] as const;
const HIGH = [1209, 1336, 1477, 1633] as const;
const KEYS = ['123A', '456B', '789C', '*0#D'] as const;

export const DTMF_KEYS: readonly string[] = ['1', '2', '3', '4', '5', '6', '7', '8', '9', '*', '0', '#'];

export function isDtmfDigit(d: string): boolean {
  return /^[0-9A-D*#]$/.test(d);
}

/** [low Hz, high Hz] for a digit; throws on anything else. */
export function dtmfFrequencies(digit: string): [number, number] {
  const d = digit.toUpperCase();
  for (let row = 0; row < 4; row++) {
    const col = KEYS[row]!.indexOf(d);
    if (col >= 0) return [LOW[row]!, HIGH[col]!];
  }
  throw new Error(`DTMF digit "${digit}" is not one of 0-9, *, #, A-D`);
}

/** Keeps only characters a SIP user part / dial string can use (digits, *, #, +, letters for extensions). */
export function sanitizeDialString(s: string): string {
  return s.replace(/[^0-9A-Za-z*#+._-]/g, '');
}
