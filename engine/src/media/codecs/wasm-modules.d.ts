/** Types for the Emscripten WASM packages we use (they ship none). */
interface EchogardenEmscriptenModule {
  HEAP16: Int16Array;
  HEAPU32: Uint32Array;
  HEAP32: Int32Array;
  _malloc(bytes: number): number;
  _free(ptr: number): void;
}

declare module '@echogarden/speex-resampler-wasm/simd' {
  export interface SpeexResamplerModule extends EchogardenEmscriptenModule {
    _speex_resampler_init(channels: number, inRate: number, outRate: number, quality: number, errPtr: number): number;
    _speex_resampler_process_int(st: number, channel: number, inPtr: number, inLenPtr: number, outPtr: number, outLenPtr: number): number;
    _speex_resampler_skip_zeros(st: number): number;
    _speex_resampler_get_input_latency(st: number): number;
    _speex_resampler_get_output_latency(st: number): number;
    _speex_resampler_reset_mem(st: number): number;
    _speex_resampler_destroy(st: number): void;
  }
  const factory: (moduleArg?: object) => Promise<SpeexResamplerModule>;
  export default factory;
}

declare module '@echogarden/fvad-wasm' {
  export interface FvadModule extends EchogardenEmscriptenModule {
    _fvad_new(): number;
    _fvad_free(inst: number): void;
    _fvad_reset(inst: number): void;
    _fvad_set_mode(inst: number, mode: number): number;
    _fvad_set_sample_rate(inst: number, rate: number): number;
    _fvad_process(inst: number, framePtr: number, length: number): number;
  }
  const factory: (moduleArg?: object) => Promise<FvadModule>;
  export default factory;
}
