/**
 * Reads everything the checks and fixes need from the PBX, asking Asterisk
 * rather than guessing: first the CLI answers (including `core show
 * settings` for the directories and `pjsip show endpoints`), then, at the
 * directories Asterisk reported, the config files the doctor may edit, the
 * recording and media directories and the WebRTC endpoint's details. Every
 * command and its trimmed output is kept as evidence.
 */
import type { RemoteShell } from './ssh-session.js';
import { pbxPaths, type FactInputs, type PbxFacts } from './pbx-facts.js';
import { gatherCliFacts } from './pbx-cli-facts.js';
import { gatherFsFacts } from './pbx-fs-facts.js';

/** Two round trips: Asterisk's answers, then the filesystem at the directories Asterisk named. */
export async function gatherFacts(shell: RemoteShell, inputs: FactInputs): Promise<PbxFacts> {
  const cli = await gatherCliFacts(shell, inputs);
  const paths = pbxPaths(inputs.rootPrefix, cli.dirs);
  const fs = await gatherFsFacts(shell, inputs, { paths, freepbx: !!cli.freepbx, endpoints: cli.endpoints });
  return { ...cli, ...fs, paths, evidence: { ...cli.evidence, ...fs.evidence } };
}
