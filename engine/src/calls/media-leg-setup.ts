/**
 * Media-leg REST steps of call setup: create the leg with the channel id we
 * chose (externalMedia, or the AudioSocket originate form when the PBX's
 * externalMedia has no audiosocket encapsulation), hand the response to the
 * pending leg (WebSocket connects right away), and add it to the bridge,
 * retrying the 422 of a leg that is not in Stasis yet.
 */
import type { Logger } from '../observability/logger.js';
import type { PendingLeg } from '../media/transport.js';
import { AriError, type AriChannel } from '../ari/ari-types.js';
import type { AriRest } from '../ari/ari-rest.js';
import { sleep } from '../util/async.js';

const WS_CONNECTION_ID = 'MEDIA_WEBSOCKET_CONNECTION_ID';

/**
 * Creates the leg channel; an RTP leg learns Asterisk's address from UNICASTRTP_LOCAL_ADDRESS/PORT before
 * the first packet, a WebSocket leg gets the response (its connection id) and connects at once.
 */
export async function createMediaLeg(ari: AriRest, p: PendingLeg, app: string, channelId: string, log: Logger): Promise<AriChannel> {
  const leg = await requestLeg(ari, p, app, channelId, log);
  const addr = leg.channelvars?.UNICASTRTP_LOCAL_ADDRESS;
  const port = Number(leg.channelvars?.UNICASTRTP_LOCAL_PORT);
  if (addr && port) p.setRemoteHint?.(addr, port);
  await handOverMediaChannel(ari, p, leg);
  return leg;
}

async function requestLeg(ari: AriRest, p: PendingLeg, app: string, channelId: string, log: Logger): Promise<AriChannel> {
  const params = {
    app,
    channelId,
    ...p.externalMedia,
    external_host: p.externalMedia.external_host || undefined,
    direction: p.externalMedia.direction ?? (p.externalMedia.encapsulation === 'rtp' ? 'both' : undefined),
  };
  try {
    return await ari.externalMedia(params);
  } catch (err) {
    // A chan_websocket without per-channel control formats may refuse transport_data: plain-text control messages then.
    if (params.transport_data && err instanceof AriError && err.status === 500) {
      log.info({ status: err.status, transport_data: params.transport_data }, 'externalMedia refused transport_data; retrying without it (plain-text control messages)');
      return ari.externalMedia({ ...params, transport_data: undefined });
    }
    // Asterisk < 18 has no audiosocket encapsulation: originate AudioSocket/<host>:<port>/<uuid>/c(slin).
    if (!p.originateEndpoint || !(err instanceof AriError) || ![400, 404, 501].includes(err.status)) throw err;
    log.info({ status: err.status }, 'externalMedia audiosocket refused; using the AudioSocket originate form');
    return ari.originate({ endpoint: p.originateEndpoint, app, channelId });
  }
}

/**
 * Gives the pending leg what the externalMedia response says (WebSocket: the connection id, which
 * `GET /channels/{id}` does not list, so it is read as a variable when the response lacks it).
 */
async function handOverMediaChannel(ari: AriRest, p: PendingLeg, ch: AriChannel): Promise<void> {
  if (!p.mediaChannelCreated) return;
  const vars = { ...(ch.channelvars ?? {}) };
  if (!vars[WS_CONNECTION_ID]) {
    const id = await ari.getVar(ch.id, WS_CONNECTION_ID);
    if (id) vars[WS_CONNECTION_ID] = id;
  }
  p.mediaChannelCreated({ id: ch.id, channelvars: vars });
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
