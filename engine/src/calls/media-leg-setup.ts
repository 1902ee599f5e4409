/**
 * Media-leg REST steps of call setup: create the leg with the channel id we
 * chose (externalMedia, or the AudioSocket originate form when the PBX's
 * externalMedia has no audiosocket encapsulation) and add it to the bridge,
 * retrying the 422 of a leg that is not in Stasis yet.
 */
import type { Logger } from '../observability/logger.js';
import type { PendingLeg } from '../media/transport.js';
import { AriError, type AriChannel } from '../ari/ari-types.js';
import type { AriRest } from '../ari/ari-rest.js';
import { sleep } from '../util/async.js';

/** Creates the leg channel; an RTP leg learns Asterisk's address from UNICASTRTP_LOCAL_ADDRESS/PORT before the first packet. */
export async function createMediaLeg(ari: AriRest, p: PendingLeg, app: string, channelId: string, log: Logger): Promise<AriChannel> {
  const leg = await requestLeg(ari, p, app, channelId, log);
  const addr = leg.channelvars?.UNICASTRTP_LOCAL_ADDRESS;
  const port = Number(leg.channelvars?.UNICASTRTP_LOCAL_PORT);
  if (addr && port) p.setRemoteHint?.(addr, port);
  return leg;
}

async function requestLeg(ari: AriRest, p: PendingLeg, app: string, channelId: string, log: Logger): Promise<AriChannel> {
  try {
    return await ari.externalMedia({ app, channelId, ...p.externalMedia, direction: p.externalMedia.direction ?? (p.externalMedia.encapsulation === 'rtp' ? 'both' : undefined) });
  } catch (err) {
    // Asterisk < 18 has no audiosocket encapsulation: originate AudioSocket/<host>:<port>/<uuid>/c(slin).
    if (!p.originateEndpoint || !(err instanceof AriError) || ![400, 404, 501].includes(err.status)) throw err;
    log.info({ status: err.status }, 'externalMedia audiosocket refused; using the AudioSocket originate form');
    return ari.originate({ endpoint: p.originateEndpoint, app, channelId });
  }
}

export async function addLegToBridge(ari: AriRest, bridgeId: string, channelId: string, log: Logger, gaveUp: () => boolean): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      await ari.addChannel(bridgeId, channelId);
      return;
    } catch (err) {
      if (!(err instanceof AriError) || err.status !== 422 || attempt >= 5 || gaveUp()) throw err;
      log.debug({ attempt }, 'addChannel 422 (leg not in Stasis yet); retrying');
      await sleep(50 * 2 ** attempt);
    }
  }
}
