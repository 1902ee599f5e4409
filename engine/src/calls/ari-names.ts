/**
 * Names and ids the engine gives to what it creates on the PBX, and how it
 * tells them apart from everything else there (pure).
 *
 * - Bridges: `aava-<app>-<callId>`. The app name in the prefix keeps two
 *   engines on one PBX (different Stasis apps) from reclaiming each other's
 *   bridges; the call id (a UUID) finds the owning call.
 * - Media legs: channel id `aava-<callId>-media` (chosen by us in
 *   externalMedia/originate).
 * - Which Stasis app a channel sits in: Asterisk reports it in the channel's
 *   `dialplan` (captures ari/rest/get-channels.json, ari/events/*): `app_name`
 *   is `Stasis` and `app_data` is `<app>[,<args>]` — an externalMedia leg
 *   shows its `data` as the argument. Right after POST /continue the channel
 *   briefly shows priority 0 with `Stasis` still (transfer-continue.jsonl,
 *   line 27): that channel has left and is not counted.
 */
import type { AriChannel } from '../ari/ari-types.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const LEGACY_BRIDGE = /^aava-([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/i;
const LEG = /^aava-([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})-media$/i;
/** Channel technologies that only ever carry media (never a caller). */
const MEDIA_TECH = /^(UnicastRTP|AudioSocket|Snoop|Announcer|Recorder|WebSocket)\//;

export function bridgeName(app: string, callId: string): string {
  return `aava-${app}-${callId}`;
}

/** The call id in one of *this app's* bridge names, or undefined (another app's, or not ours at all). */
export function callIdOfBridge(app: string, name: string | undefined): string | undefined {
  const prefix = `aava-${app}-`;
  if (!name?.startsWith(prefix)) return undefined;
  const rest = name.slice(prefix.length);
  return UUID.test(rest) ? rest : undefined;
}

/** `aava-<callId>`: bridges of versions before the app name was in the prefix. */
export function callIdOfLegacyBridge(name: string | undefined): string | undefined {
  return name ? LEGACY_BRIDGE.exec(name)?.[1] : undefined;
}

/** The call id of one of our media-leg channel ids, or undefined. */
export function callIdOfLeg(channelId: string): string | undefined {
  return LEG.exec(channelId)?.[1];
}

/** The Stasis app a channel is in, per its dialplan location; undefined when it runs dialplan. */
export function stasisAppOf(ch: Pick<AriChannel, 'dialplan'>): string | undefined {
  const d = ch.dialplan;
  if (!d || d.app_name !== 'Stasis' || !(d.priority >= 1)) return undefined;
  const app = (d.app_data ?? '').split(',')[0]?.trim();
  return app || undefined;
}

export function isMediaChannel(ch: Pick<AriChannel, 'name'>): boolean {
  return MEDIA_TECH.test(ch.name);
}
