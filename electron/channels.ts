/** IPC channel names shared by main and preload (no imports: the preload bundle stays tiny). */
export const INVOKE_CHANNEL = 'aava:invoke';
export const EVENT_CHANNEL = 'aava:event';
/** The renderer's origin (custom privileged scheme) and the media scheme. */
export const APP_SCHEME = 'app';
export const APP_HOST = 'local';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const MEDIA_SCHEME = 'aava-media';
export const MEDIA_BASE = `${MEDIA_SCHEME}://local/`;
