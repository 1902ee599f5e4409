export { FakeAsterisk, type FakeAsteriskOptions } from './fake-asterisk.js';
export { CallerHandle, type InjectCallOptions } from './caller.js';
export * from './audio.js';
export { until } from './until.js';
export { replayCapture } from './replay.js';
export { readWavPcm8k } from './sounds.js';
