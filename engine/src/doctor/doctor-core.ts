/**
 * The doctor's flow over one SSH shell: run every check, plan the fixes,
 * apply the ticked ones (timestamped backups first, then one reload, then
 * the checks again), and roll the last apply back.
 */
import type { ApplyResult, CheckResult, FixPlan } from '../api/doctor.js';
import type { DoctorInputs } from './doctor-inputs.js';
import type { PbxFacts } from './pbx-facts.js';
import { gatherFacts } from './gather-facts.js';
import { CHECKS } from './checks.js';
import { buildFixes, toPlan, isNoop, reloadCommands, type FixAction, type ReloadKind } from './fixes.js';
import { shellQuote, type RemoteShell } from './ssh-session.js';
import type { ApplyLedger, ApplyBatch } from './doctor-store.js';
import { trimOutput, runBatch } from './remote-batch.js';
import { voicemailFix } from './voicemail-target.js';

export interface DoctorRun {
  facts: PbxFacts;
  results: CheckResult[];
}

export async function runChecks(shell: RemoteShell, inp: DoctorInputs, onCheck?: (c: CheckResult) => void): Promise<DoctorRun> {
  const facts = await gatherFacts(shell, { rootPrefix: inp.rootPrefix, contexts: inp.contexts, mediaDir: inp.mediaDir, softphoneEndpoint: inp.softphoneEndpoint });
  const results: CheckResult[] = [];
  for (const step of CHECKS) {
    for (const c of await step({ facts, inp, shell })) {
      results.push(c);
      onCheck?.(c);
    }
  }
  return { facts, results };
}

export function planFixes(run: DoctorRun, inp: DoctorInputs): { actions: FixAction[]; plans: FixPlan[] } {
  const wanted = new Set(run.results.flatMap((r) => r.fixIds ?? []));
  const actions = [...buildFixes(run.facts, inp, run.results), voicemailFix(run.facts, inp, wanted)]; // issue 17: the voicemail target
  return { actions, plans: actions.filter((a) => a.needed || !isNoop(a)).map(toPlan) };
}

export class FixError extends Error {
  constructor(
    message: string,
    /** "unknown-id": the request named a fix that does not exist; "failed": a step failed on the PBX. */
    readonly kind: 'unknown-id' | 'failed' = 'failed',
  ) {
    super(message);
    this.name = 'FixError';
  }
}

function stamp(now: Date): string {
  return now.toISOString().replace(/[-:]/g, '').replace('.', '');
}

async function must(shell: RemoteShell, command: string, what: string, stdin?: string): Promise<string> {
  const r = await shell.exec(command, { privileged: true, stdin, timeoutMs: 120_000 });
  if (r.code !== 0) throw new FixError(`${what} failed (exit ${r.code}): ${trimOutput(r.stderr || r.stdout)}`);
  return r.stdout + r.stderr;
}

async function reload(shell: RemoteShell, kinds: Set<ReloadKind>, freepbx: boolean): Promise<string | undefined> {
  const cmds = reloadCommands(kinds, freepbx);
  if (!cmds.length) return undefined;
  const outs: string[] = [];
  for (const c of cmds) outs.push(`$ ${c}\n${trimOutput(await must(shell, c, c))}`);
  return outs.join('\n');
}

export interface ApplyTarget {
  host: string;
  port: number;
}

export async function applyFixes(
  shell: RemoteShell,
  inp: DoctorInputs,
  fixIds: string[],
  ledger: ApplyLedger,
  target: ApplyTarget,
  onCheck?: (c: CheckResult) => void,
  now = new Date(),
): Promise<ApplyResult> {
  const before = await runChecks(shell, inp);
  const { actions } = planFixes(before, inp);
  for (const id of fixIds) if (!actions.some((a) => a.id === id)) throw new FixError(`unknown fix id "${id}" (have: ${actions.map((a) => a.id).join(', ')})`, 'unknown-id');
  const chosen = actions.filter((a) => fixIds.includes(a.id) && !isNoop(a));
  const batch: ApplyBatch = { host: target.host, port: target.port, rootPrefix: inp.rootPrefix ?? '', appliedAt: now.getTime(), fixIds: [], files: [], undo: [], reload: [] };
  const kinds = new Set<ReloadKind>();
  const suffix = `.aava-bak-${stamp(now)}`;
  const result: ApplyResult = { applied: [], backups: [], before: before.results, after: [] };
  // One batch (one round trip, one sudo): backups first, then writes and commands; it stops at the first failure.
  const steps: { key: string; command: string; what: string; done: () => void }[] = [];
  // Two fixes may change one file: the later one applies to the earlier's result, and the backup is taken once.
  const written = new Map<string, string>();
  for (const a of chosen) {
    let undone = false;
    const actionSteps = steps.length;
    for (const planned of a.files) {
      const prior = written.get(planned.path);
      const f = prior !== undefined && planned.edit ? { ...planned, before: prior, after: planned.edit(prior) } : planned;
      const backedUp = prior !== undefined;
      written.set(f.path, f.after);
      const file = shellQuote(f.path);
      if (f.before !== undefined && !backedUp) {
        const backup = `${f.path}${suffix}`;
        steps.push({ key: `s${steps.length}`, what: `backup of ${f.path}`, command: `cp -p -- ${file} ${shellQuote(backup)}`, done: () => (batch.files.push({ file: f.path, backup }), result.backups.push({ file: f.path, backup })) });
      }
      const dir = shellQuote(f.path.replace(/\/[^/]+$/, ''));
      const chown = f.before === undefined ? ` && (chown --reference=${dir} ${file} 2>/dev/null || true)` : '';
      steps.push({
        key: `s${steps.length}`,
        what: `writing ${f.path}`,
        command: `printf %s ${Buffer.from(f.after).toString('base64')} | base64 -d > ${file}${chown}`,
        done: () => (f.before === undefined && !backedUp ? batch.files.push({ file: f.path }) : undefined),
      });
    }
    for (const c of a.commands) {
      steps.push({
        key: `s${steps.length}`,
        what: `${a.id}: ${c}`,
        command: c,
        done: () => {
          if (!undone) batch.undo.unshift(...a.undo);
          undone = true;
        },
      });
    }
    const last = steps[steps.length - 1]!;
    if (steps.length > actionSteps) {
      const prev = last.done;
      last.done = () => {
        prev();
        for (const k of a.reload) if (a.files.length) kinds.add(k);
        batch.fixIds.push(a.id);
        result.applied.push(a.id);
      };
    }
  }
  let failure: string | undefined;
  try {
    const got = await runBatch(shell, steps, true, { stopOnError: true, timeoutMs: 120_000 });
    for (const st of steps) {
      const g = got[st.key];
      if (g?.code === 0) st.done();
      else {
        failure = `${st.what} failed${g ? ` (exit ${g.code}): ${trimOutput(g.output)}` : ''}`;
        break;
      }
    }
  } finally {
    batch.reload = [...kinds];
    if (batch.fixIds.length || batch.files.length || batch.undo.length) ledger.record(batch);
  }
  if (failure) throw new FixError(`${failure}. Applied so far: ${result.applied.join(', ') || 'nothing'}; doctor.rollback restores it.`);
  result.reloadOutput = await reload(shell, kinds, !!before.facts.freepbx);
  result.after = (await runChecks(shell, inp, onCheck)).results;
  return result;
}

export async function rollbackLast(shell: RemoteShell, inp: DoctorInputs, ledger: ApplyLedger, target: ApplyTarget): Promise<{ restored: string[]; reloadOutput?: string } | undefined> {
  const batch = ledger.latest(target.host, target.port, inp.rootPrefix ?? '');
  if (!batch) return undefined;
  const restored: string[] = [];
  const steps: { key: string; command: string; what: string }[] = [];
  for (const f of batch.files) {
    const cmd = f.backup ? `cp -p -- ${shellQuote(f.backup)} ${shellQuote(f.file)}` : `rm -f -- ${shellQuote(f.file)}`;
    steps.push({ key: `r${steps.length}`, command: cmd, what: f.file });
  }
  for (const c of batch.undo) steps.push({ key: `r${steps.length}`, command: c, what: c });
  steps.push({ key: 'fwconsole', command: 'command -v fwconsole >/dev/null 2>&1 && echo yes || echo no', what: 'fwconsole' });
  const got = await runBatch(shell, steps, true, { stopOnError: true, timeoutMs: 120_000 });
  for (const st of steps.slice(0, -1)) {
    const g = got[st.key];
    if (g?.code !== 0) throw new FixError(`rollback: ${st.what} failed${g ? ` (exit ${g.code}): ${trimOutput(g.output)}` : ''}; restored so far: ${restored.join(', ') || 'nothing'}`);
    restored.push(st.what);
  }
  ledger.markRolledBack(batch.id!);
  const reloadOutput = await reload(shell, new Set(batch.reload), got.fwconsole?.output.trim() === 'yes');
  return { restored, reloadOutput };
}
