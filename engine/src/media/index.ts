/** The media layer's public surface (transports, the media clock, codecs, conversion, voice activity, signal helpers). */
export * from './audio-format.js';
export type * from './transport.js';
export { createAudioSocketTransport, type AudioSocketTransport, type AudioSocketTransportOptions } from './audiosocket/audiosocket-transport.js';
export * from './audiosocket/framing.js';
export { createRtpTransport, type RtpTransport, type RtpTransportOptions, type RtpLegStats } from './rtp/rtp-transport.js';
export * from './rtp/packet.js';
export { JitterBuffer, type JitterBufferOptions, type JitterOut, type JitterStats } from './rtp/jitter-buffer.js';
export { FrameScheduler, PacedStream, type Alarm, type FrameInfo, type FrameSchedulerOptions, type PacedStreamOptions } from './pacer.js';
export { PacedLeg, FillTally, type PacedLegOptions } from './paced-leg.js';
export * from './codecs/g711.js';
export { createResampler, loadSpeexResampler, SUPPORTED_RATES, type Resampler, type ResamplerOptions } from './codecs/resampler.js';
export { createAudioConverter, type AudioConverter } from './convert.js';
export { createVoiceClassifier, createEnergyClassifier, loadFvad, type ClassifierOptions, type VoiceClassifier } from './vad/vad.js';
export { VoiceActivity, toDbfs, SILENT_DB, type VoiceEvent, type VoiceActivityOptions } from './voice/voice-activity.js';
export { InboundClock, INBOUND_JITTER_MS, INBOUND_MAX_LEAD_MS, type InboundClockOptions } from './inbound-clock.js';
export { PendingLegs, type PendingEntry } from './pending-legs.js';
export * from './signal.js';
export * from './wav.js';
