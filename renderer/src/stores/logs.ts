import { createStore, type StoreApi } from 'zustand/vanilla';
import type { LogLine } from '../api/contract';

const LOG_KEEP = 300;

export interface LogsState {
  lines: LogLine[];
  push(line: LogLine): void;
  clear(): void;
}

export type LogsStore = StoreApi<LogsState>;

/** The engine's log tail (from `log` events), newest last, bounded. */
export function createLogsStore(keep = LOG_KEEP): LogsStore {
  return createStore<LogsState>()((set) => ({
    lines: [],
    push(line) {
      set((s) => ({ lines: s.lines.length >= keep ? [...s.lines.slice(s.lines.length - keep + 1), line] : [...s.lines, line] }));
    },
    clear() {
      set({ lines: [] });
    },
  }));
}

const RANK = { debug: 0, info: 1, warn: 2, error: 3 } as const;
export function atLeast(lines: LogLine[], level: LogLine['level']): LogLine[] {
  return lines.filter((l) => RANK[l.level] >= RANK[level]);
}
