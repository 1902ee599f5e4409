import { createStore, type StoreApi } from 'zustand/vanilla';
import type { CallDetail, CallSummary, ToolCallRecord, TranscriptLine, TurnLatency } from '../api/contract';
import type { DashboardClient } from '../api/types';
import type { ApiError } from '../api/errors';
import { attempt, idle, track, type Resource } from './resource';

/** How long an ended call stays in the live table (greyed) before it leaves, ms. */
const ENDED_LINGER_MS = 8000;

export interface LiveCallsState {
  /** Active (and just-ended) calls by id; `order` keeps rows stable as calls come and go. */
  calls: Record<string, CallSummary>;
  order: string[];
  list: Resource<CallSummary[]>;
  transcripts: Record<string, TranscriptLine[]>;
  turns: Record<string, TurnLatency[]>;
  tools: Record<string, ToolCallRecord[]>;
  selectedId?: string;
  detail: Resource<CallDetail | null>;
  actionError?: ApiError;
  actionPending?: 'hangup' | 'transfer';
  load(): Promise<void>;
  select(id: string | undefined): Promise<void>;
  hangup(id: string): Promise<boolean>;
  transfer(id: string, destination: string): Promise<boolean>;
  upsert(call: CallSummary): void;
  ended(call: CallSummary): void;
  remove(id: string): void;
  addTranscript(line: TranscriptLine): void;
  addTurn(turn: TurnLatency): void;
  addTool(tool: ToolCallRecord): void;
}

export type LiveCallsStore = StoreApi<LiveCallsState>;

function mergeBySeq(existing: TranscriptLine[], incoming: TranscriptLine[]): TranscriptLine[] {
  const bySeq = new Map<number, TranscriptLine>();
  for (const l of existing) bySeq.set(l.seq, l);
  for (const l of incoming) bySeq.set(l.seq, l);
  return [...bySeq.values()].sort((a, b) => a.seq - b.seq);
}

function mergeTurns(existing: TurnLatency[], incoming: TurnLatency[]): TurnLatency[] {
  const byTurn = new Map<number, TurnLatency>();
  for (const t of existing) byTurn.set(t.turn, t);
  for (const t of incoming) byTurn.set(t.turn, t);
  return [...byTurn.values()].sort((a, b) => a.turn - b.turn);
}

export function createLiveCallsStore(client: DashboardClient, opts: { lingerMs?: number } = {}): LiveCallsStore & { dispose(): void } {
  const linger = opts.lingerMs ?? ENDED_LINGER_MS;
  const timers = new Map<string, ReturnType<typeof setTimeout>>();
  const store = createStore<LiveCallsState>()((set, get) => ({
    calls: {},
    order: [],
    list: idle(),
    transcripts: {},
    turns: {},
    tools: {},
    detail: idle(),
    async load() {
      const active = await track(set, get, 'list', () => client.invoke('calls.active'));
      if (!active) return;
      set((s) => {
        const calls: Record<string, CallSummary> = {};
        for (const c of active) calls[c.id] = c;
        // Keep lingering ended rows; drop calls the engine no longer knows.
        for (const id of s.order) {
          const old = s.calls[id];
          if (old && old.state === 'ended' && !calls[id]) calls[id] = old;
        }
        const order = [...s.order.filter((id) => calls[id]), ...active.map((c) => c.id).filter((id) => !s.order.includes(id))];
        return { calls, order };
      });
    },
    async select(id) {
      set({ selectedId: id, actionError: undefined });
      if (!id) {
        set({ detail: idle() });
        return;
      }
      const detail = await track(set, get, 'detail', () => client.invoke('calls.get', { id }));
      if (detail && get().selectedId === id) {
        set((s) => ({
          transcripts: { ...s.transcripts, [id]: mergeBySeq(s.transcripts[id] ?? [], detail.transcript) },
          turns: { ...s.turns, [id]: mergeTurns(s.turns[id] ?? [], detail.turnLatencies) },
          tools: { ...s.tools, [id]: detail.toolCalls },
        }));
      }
    },
    async hangup(id) {
      set({ actionPending: 'hangup', actionError: undefined });
      const r = await attempt(() => client.invoke('calls.hangup', { id }));
      set({ actionPending: undefined, actionError: r.ok ? undefined : r.error });
      return r.ok;
    },
    async transfer(id, destination) {
      set({ actionPending: 'transfer', actionError: undefined });
      const r = await attempt(() => client.invoke('calls.transfer', { id, destination }));
      set({ actionPending: undefined, actionError: r.ok ? undefined : r.error });
      return r.ok;
    },
    upsert(call) {
      set((s) => ({
        calls: { ...s.calls, [call.id]: call },
        order: s.order.includes(call.id) ? s.order : [...s.order, call.id],
      }));
    },
    ended(call) {
      get().upsert({ ...call, state: 'ended' });
      clearTimeout(timers.get(call.id));
      timers.set(
        call.id,
        setTimeout(() => get().remove(call.id), linger),
      );
    },
    remove(id) {
      timers.delete(id);
      set((s) => {
        const calls = { ...s.calls };
        delete calls[id];
        return { calls, order: s.order.filter((x) => x !== id) };
      });
    },
    addTranscript(line) {
      set((s) => ({ transcripts: { ...s.transcripts, [line.callId]: mergeBySeq(s.transcripts[line.callId] ?? [], [line]) } }));
    },
    addTurn(turn) {
      set((s) => ({ turns: { ...s.turns, [turn.callId]: mergeTurns(s.turns[turn.callId] ?? [], [turn]) } }));
    },
    addTool(tool) {
      set((s) => ({ tools: { ...s.tools, [tool.callId]: [...(s.tools[tool.callId] ?? []), tool] } }));
    },
  }));
  return Object.assign(store, {
    dispose() {
      for (const t of timers.values()) clearTimeout(t);
      timers.clear();
    },
  });
}

/** Rows in arrival order (plain function selector; stable while nothing changes). */
export function selectRows(s: LiveCallsState): CallSummary[] {
  const rows: CallSummary[] = [];
  for (const id of s.order) {
    const c = s.calls[id];
    if (c) rows.push(c);
  }
  return rows;
}

export function selectActiveCount(s: LiveCallsState): number {
  let n = 0;
  for (const id of s.order) if (s.calls[id] && s.calls[id].state !== 'ended') n++;
  return n;
}
