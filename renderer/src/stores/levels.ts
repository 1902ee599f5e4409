import { createStore, type StoreApi } from 'zustand/vanilla';
import type { CallLevel } from '../api/contract';

/** dBFS treated as silence (the engine's floor is -90). */
export const SILENCE_DB = -90;

export interface LevelsState {
  /** Latest caller/agent dBFS per live call, from `calls.levels` (up to 5 per second). */
  byCall: Record<string, CallLevel>;
  /** Engine time of the last levels event. */
  at?: number;
  apply(at: number, levels: CallLevel[]): void;
  remove(callId: string): void;
}

export type LevelsStore = StoreApi<LevelsState>;

/**
 * Kept apart from the calls store: levels change five times a second, and only the meters
 * (transient subscribers writing to the DOM) read them, so the calls table never re-renders for them.
 */
export function createLevelsStore(): LevelsStore {
  return createStore<LevelsState>()((set) => ({
    byCall: {},
    apply(at, levels) {
      const byCall: Record<string, CallLevel> = {};
      // Each event carries every live call: a call missing from it is no longer sending levels.
      for (const l of levels) byCall[l.callId] = l;
      set({ byCall, at });
    },
    remove(callId) {
      set((s) => {
        if (!s.byCall[callId]) return s;
        const byCall = { ...s.byCall };
        delete byCall[callId];
        return { byCall };
      });
    },
  }));
}

/** 0..1 of a meter's width for a dBFS value: -60 dB and below is empty, 0 dB full. */
export function meterFraction(db: number | undefined): number {
  if (db === undefined || !Number.isFinite(db) || db <= -60) return 0;
  return Math.min(1, (db + 60) / 60);
}
