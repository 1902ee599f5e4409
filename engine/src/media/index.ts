/** The media layer's public surface (transports, pacing, codecs, conversion, VAD, signal helpers). */
export * from './audio-format.js';
export type * from './transport.js';
export { createAudioSocketTransport, type AudioSocketTransport, type AudioSocketTransportOptions } from './audiosocket/audiosocket-transport.js';
export * from './audiosocket/framing.js';
export { createRtpTransport, type RtpTransport, type RtpTransportOptions, type RtpLegStats } from './rtp/rtp-transport.js';
export * from './rtp/packet.js';
export { createWebSocketTransport, type WebSocketTransport, type WebSocketTransportOptions, type WebSocketFormat } from './websocket/websocket-transport.js';
export * from './websocket/control-messages.js';
export { OutboundFlow, MAX_BINARY_BYTES, type OutboundFlowOptions, type FlowOutput, type MarkOutcome } from './websocket/outbound-flow.js';
export { JitterBuffer, type JitterBufferOptions, type JitterOut, type JitterStats } from './rtp/jitter-buffer.js';
export { FrameScheduler, PacedStream, type FrameInfo, type FrameSchedulerOptions, type PacedStreamOptions } from './pacer.js';
export { PacedLeg, type PacedLegOptions } from './paced-leg.js';
export * from './codecs/g711.js';
export { createResampler, loadSpeexResampler, SUPPORTED_RATES, type Resampler, type ResamplerOptions } from './codecs/resampler.js';
export { createAudioConverter, type AudioConverter } from './convert.js';
export { createVoiceActivityDetector, loadFvad, type VadOptions, type VadResult, type VoiceActivityDetector } from './vad/vad.js';
export * from './signal.js';
export * from './wav.js';
