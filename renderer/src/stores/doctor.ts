import { createStore, type StoreApi } from 'zustand/vanilla';
import type { ApplyResult, CheckResult, FixPlan, HostKeyPrompt, SshTarget } from '../api/contract';
import type { DashboardClient } from '../api/types';
import { idle, track, attempt, type Resource } from './resource';
import type { ApiError } from '../api/errors';

export interface DoctorState {
  target?: SshTarget;
  hostKey: Resource<HostKeyPrompt>;
  /** Fingerprint the user accepted for `target.host`. */
  acceptedKey?: string;
  checks: Resource<CheckResult[]>;
  /** Checks streamed by doctor.check events while a run is in flight. */
  liveChecks: CheckResult[];
  plan: Resource<FixPlan[]>;
  selected: string[];
  apply: Resource<ApplyResult>;
  rollback: Resource<{ restored: string[] }>;
  cancelError?: ApiError;
  setTarget(t: SshTarget): void;
  fetchHostKey(): Promise<HostKeyPrompt | undefined>;
  acceptHostKey(fingerprint: string | undefined): void;
  run(): Promise<void>;
  loadPlan(): Promise<void>;
  toggle(fixId: string, on: boolean): void;
  applySelected(): Promise<void>;
  rollbackLast(): Promise<void>;
  cancel(): Promise<void>;
  onCheck(c: CheckResult): void;
}

export type DoctorStore = StoreApi<DoctorState>;

export function createDoctorStore(client: DashboardClient): DoctorStore {
  const withKey = (s: DoctorState): SshTarget => {
    if (!s.target) throw new Error('no SSH target set');
    return s.acceptedKey ? { ...s.target, acceptHostKey: s.acceptedKey } : s.target;
  };
  return createStore<DoctorState>()((set, get) => ({
    hostKey: idle(),
    checks: idle(),
    liveChecks: [],
    plan: idle(),
    selected: [],
    apply: idle(),
    rollback: idle(),
    setTarget(target) {
      const prev = get().target;
      const sameHost = prev && prev.host === target.host && (prev.port ?? 22) === (target.port ?? 22);
      set({ target, ...(sameHost ? {} : { acceptedKey: undefined, hostKey: idle() }) });
    },
    async fetchHostKey() {
      const target = get().target;
      if (!target) return undefined;
      return track(set, get, 'hostKey', () => client.invoke('doctor.hostKey', { target }));
    },
    acceptHostKey(fingerprint) {
      set({ acceptedKey: fingerprint });
    },
    async run() {
      set({ liveChecks: [] });
      await track(set, get, 'checks', () => client.invoke('doctor.run', { target: withKey(get()) }));
    },
    async loadPlan() {
      const plan = await track(set, get, 'plan', () => client.invoke('doctor.plan', { target: withKey(get()) }));
      if (plan) set({ selected: plan.filter((p) => !p.alreadyApplied).map((p) => p.id) });
    },
    toggle(fixId, on) {
      const sel = get().selected.filter((x) => x !== fixId);
      set({ selected: on ? [...sel, fixId] : sel });
    },
    async applySelected() {
      const { selected } = get();
      if (selected.length === 0) return;
      const r = await track(set, get, 'apply', () => client.invoke('doctor.apply', { target: withKey(get()), fixIds: selected }));
      if (r) set({ checks: { data: r.after, loading: false } });
    },
    async rollbackLast() {
      await track(set, get, 'rollback', () => client.invoke('doctor.rollback', { target: withKey(get()) }));
    },
    async cancel() {
      const r = await attempt(() => client.invoke('doctor.cancel'));
      set({ cancelError: r.ok ? undefined : r.error });
    },
    onCheck(c) {
      set((s) => ({ liveChecks: [...s.liveChecks.filter((x) => x.id !== c.id), c] }));
    },
  }));
}
