/**
 * The doctor's checks, in the order they run and are shown. Each step gets
 * the PBX facts, the app's inputs and the SSH shell (for the checks that
 * probe the network) and returns its results. A new check is one entry here
 * (its own file under engine/src/doctor/ for the judging).
 */
import type { CheckResult } from '../api/doctor.js';
import type { DoctorInputs } from './doctor-inputs.js';
import type { PbxFacts } from './pbx-facts.js';
import type { RemoteShell } from './ssh-session.js';
import { versionChecks, moduleChecks, httpChecks, ariChecks, recordingDirCheck, mediaDirCheck, dialplanChecks } from './checks-pbx.js';
import { webrtcCheck } from './checks-webrtc.js';
import { workstationPortChecks, recordingsDownloadCheck, pbxToEngineChecks } from './checks-net.js';
import { voicemailTargetCheck } from './voicemail-target.js';

export interface CheckStepContext {
  facts: PbxFacts;
  inp: DoctorInputs;
  shell: RemoteShell;
}

export type CheckStep = (c: CheckStepContext) => CheckResult[] | Promise<CheckResult[]>;

export const CHECKS: CheckStep[] = [
  ({ facts }) => versionChecks(facts),
  ({ facts, inp }) => moduleChecks(facts, inp),
  ({ facts, inp }) => httpChecks(facts, inp),
  ({ facts, inp }) => workstationPortChecks(facts, inp),
  ({ facts, inp }) => ariChecks(facts, inp),
  ({ facts }) => [recordingDirCheck(facts)],
  async ({ facts, inp }) => [await recordingsDownloadCheck(facts, inp)],
  ({ facts, inp }) => [mediaDirCheck(facts, inp)],
  ({ facts, inp }) => dialplanChecks(facts, inp),
  ({ facts, inp, shell }) => pbxToEngineChecks(shell, facts, inp),
  ({ facts }) => [webrtcCheck(facts)],
  async ({ facts, inp, shell }) => [await voicemailTargetCheck(shell, facts, inp)],
];
