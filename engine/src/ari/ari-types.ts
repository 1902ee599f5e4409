/** The parts of ARI's JSON the engine reads (shapes as captured from Asterisk 22). */
export interface AriChannel {
  id: string;
  name: string;
  state: string;
  caller: { name: string; number: string };
  connected?: { name: string; number: string };
  dialplan?: { context: string; exten: string; priority: number; app_name?: string; app_data?: string };
  creationtime?: string;
  channelvars?: Record<string, string>;
}

export interface AriBridge {
  id: string;
  bridge_type?: string;
  name?: string;
  channels: string[];
}

export interface AriPlayback {
  id: string;
  media_uri: string;
  target_uri: string;
  state: string;
}

export interface AriEvent {
  type: string;
  timestamp?: string;
  application?: string;
  channel?: AriChannel;
  bridge?: AriBridge;
  playback?: AriPlayback;
  args?: string[];
  digit?: string;
  duration_ms?: number;
  variable?: string;
  value?: string;
  cause?: number;
}

/** A failed ARI request: HTTP status plus Asterisk's message (`message` or `error` key). */
export class AriError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly operation: string,
  ) {
    super(`${operation}: ${status} ${message}`);
    this.name = 'AriError';
  }
  get notFound(): boolean {
    return this.status === 404;
  }
  /** 422 on bridge ops / 409 on channel ops: the channel is not (yet / any more) in Stasis. */
  get notInStasis(): boolean {
    return this.status === 422 || this.status === 409;
  }
}

/** Parses an error body as Asterisk sends it (`{"message": …}` or `{"error": …}`). */
export function ariErrorMessage(body: unknown): string {
  if (typeof body === 'string') {
    try {
      return ariErrorMessage(JSON.parse(body) as unknown);
    } catch {
      return body.trim().slice(0, 200) || 'no message';
    }
  }
  if (body && typeof body === 'object') {
    const o = body as Record<string, unknown>;
    if (typeof o.message === 'string') return o.message;
    if (typeof o.error === 'string') return o.error;
  }
  return 'no message';
}
