/**
 * The walls in eslint.config.js, run through ESLint's own API on small files
 * placed where the wall stands: a violating import fails, the allowed
 * neighbour passes.
 */
import { describe, it, expect, beforeAll } from 'vitest';
import { ESLint } from 'eslint';
import { resolve } from 'node:path';

const root = resolve(__dirname, '..', '..');
let eslint: ESLint;

/** The no-restricted-imports messages ESLint gives `code` as if it stood at `file`. */
async function wallMessages(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: resolve(root, file) });
  return result!.messages.filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
}

beforeAll(() => {
  eslint = new ESLint({ cwd: root });
});

describe('the media layer and the providers never import calls/', () => {
  it.each([
    ['engine/src/media/rtp/new-leg.ts', "import { Conversation } from '../../calls/conversation.js';\nexport const c = Conversation;\n"],
    ['engine/src/media/new-helper.ts', "import type { CallSession } from '../calls/call-session.js';\nexport type S = CallSession;\n"],
    ['engine/src/providers/pipeline/new-stage.ts', "import { SpeechDetector } from '../../calls/speech-detector.js';\nexport const d = SpeechDetector;\n"],
    ['engine/src/providers/new-provider.ts', "export { resolveCall } from '../calls/resolve-call.js';\n"],
  ])('%s fails', async (file, code) => {
    const messages = await wallMessages(file, code);
    expect(messages).toHaveLength(1);
    expect(messages[0]).toContain('media/ and providers/ never import calls/');
  });

  it('their own imports pass, and the engine-wide walls still hold there', async () => {
    expect(await wallMessages('engine/src/providers/new-provider.ts', "import type { Provider } from './provider.js';\nimport { SLIN8 } from '../media/audio-format.js';\nexport type P = Provider;\nexport const f = SLIN8;\n")).toEqual([]);
    expect(await wallMessages('engine/src/media/new-helper.ts', "import { app } from 'electron';\nexport const a = app;\n")).toEqual([expect.stringContaining('engine/ is plain Node: it must never import electron.')]);
  });

  it('calls/ itself may import media/ and providers/', async () => {
    expect(await wallMessages('engine/src/calls/new-part.ts', "import type { Provider } from '../providers/provider.js';\nimport type { MediaTransport } from '../media/transport.js';\nexport type X = [Provider, MediaTransport];\n")).toEqual([]);
  });
});

describe('electron/ enters the engine only through its public entry points', () => {
  it.each([
    ['electron/new-window.ts', "import { createEngine } from '../engine/src/engine.js';\nexport const c = createEngine;\n"],
    ['electron/new-window.ts', "import type { EngineService } from '../engine/src/engine-context.js';\nexport type S = EngineService;\n"],
    ['electron/secrets/new-store.ts', "import { FileSecretStore } from '../../engine/src/secrets/file-secret-store.js';\nexport const F = FileSecretStore;\n"],
    ['electron/new-window.ts', "import { ConfigManager } from '../engine/src/config/config-manager.js';\nexport const M = ConfigManager;\n"],
    ['electron/new-window.ts', "import { x } from '../engine/bin/aava.mjs';\nexport const y = x;\n"],
  ])('%s importing an engine internal fails', async (file, code) => {
    const messages = await wallMessages(file, code);
    expect(messages).toHaveLength(1);
    expect(messages[0]).toContain('electron/ enters the engine only through engine/src/index.ts');
  });

  it('engine/src/index.ts and the contract pass', async () => {
    const code = [
      "import { createEngine, type SecretStore } from '../engine/src/index.js';",
      "import { API_METHOD_NAMES } from '../engine/src/api/method-names.js';",
      "import type { ApiEvent } from '../engine/src/api/events.js';",
      'export const all = [createEngine, API_METHOD_NAMES];',
      'export type T = [SecretStore, ApiEvent];',
      '',
    ].join('\n');
    expect(await wallMessages('electron/new-window.ts', code)).toEqual([]);
  });
});
