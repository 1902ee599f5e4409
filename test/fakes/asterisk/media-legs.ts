/**
 * Creation of the engine's media legs in the fake: externalMedia (AudioSocket
 * over TCP, RTP over UDP) and the AudioSocket originate form. Asterisk
 * connects to the engine's TCP server *during* the request; a failed connect
 * is a generic 500. The StasisStart may come before or after the response.
 */
import { randomBytes } from 'node:crypto';
import type { FakeAsterisk } from './fake-asterisk.js';
import type { FakeChannel } from './model.js';
import { AudioSocketPeer } from './audiosocket-peer.js';
import { RtpPeer } from './rtp-peer.js';
import { fail, AriHttpError } from './http-util.js';

export function deliverToCallers(fake: FakeAsterisk, leg: FakeChannel, pcm: Int16Array): void {
  const b = leg.bridgeId ? fake.bridges.get(leg.bridgeId) : undefined;
  if (!b) return;
  for (const id of b.channels) {
    const ch = fake.channels.get(id);
    if (ch && ch !== leg && ch.received) {
      ch.received.push(pcm);
      ch.receivedSamples = (ch.receivedSamples ?? 0) + pcm.length;
      fake.opts.onDeliver?.(ch, pcm);
    }
  }
}

function splitHostPort(hp: string): { host: string; port: number } | undefined {
  const i = hp.lastIndexOf(':');
  if (i <= 0) return undefined;
  const port = Number(hp.slice(i + 1));
  if (!Number.isInteger(port) || port < 1 || port > 65535) return undefined;
  return { host: hp.slice(0, i).replace(/^\[|\]$/g, ''), port };
}

/** Puts a new leg into Stasis before or after the HTTP response, per the fake's options. */
function scheduleStasis(fake: FakeAsterisk, ch: FakeChannel, app: string, args: string[]): void {
  const go = () => {
    if (ch.destroyed) return;
    fake.setState(ch, 'Up');
    fake.enterStasis(ch, app, args);
  };
  const order = fake.opts.legStasisOrder === 'random' ? (Math.random() < 0.5 ? 'before-response' : 'after-response') : fake.opts.legStasisOrder;
  if (order === 'before-response' && fake.opts.legStasisDelayMs === 0) go();
  else fake.later(1 + fake.opts.legStasisDelayMs, go);
}

async function openAudioSocketLeg(
  fake: FakeAsterisk,
  target: { host: string; port: number },
  uuid: string,
  format: 'slin' | 'slin16',
  id: string | undefined,
): Promise<FakeChannel> {
  const ref: { leg?: FakeChannel } = {};
  let peer: AudioSocketPeer;
  try {
    peer = await AudioSocketPeer.open(
      target.host,
      target.port,
      uuid,
      format,
      {
        onAudio: (pcm) => ref.leg && deliverToCallers(fake, ref.leg, pcm),
        onRemoteHangup: () => ref.leg && fake.hangupChannel(ref.leg, { cause: 16 }),
      },
      { keepFrames: fake.opts.keepLegFrames },
    );
  } catch {
    throw fail(500, 'An internal error prevented this request from being handled');
  }
  const service = `${target.host}:${target.port}`;
  const leg = fake.createChannel({
    id,
    name: `AudioSocket/${service}-${uuid}`,
    role: 'audiosocket',
    audiosocket: peer,
    ownVarNames: ['AUDIOSOCKET_SERVICE', 'AUDIOSOCKET_UUID'],
  });
  fake.setVar(leg, 'AUDIOSOCKET_UUID', uuid);
  fake.setVar(leg, 'AUDIOSOCKET_SERVICE', service);
  ref.leg = leg;
  return leg;
}

export async function externalMedia(fake: FakeAsterisk, q: Record<string, string>): Promise<FakeChannel> {
  if (!q.app) throw fail(400, 'app cannot be empty');
  if (q.transport === 'websocket') return fake.websocketMedia.create(q);
  if (!q.external_host) throw fail(400, 'external_host is required for all but websocket server connections');
  if (!q.format) throw fail(400, 'format cannot be empty');
  const target = splitHostPort(q.external_host);
  if (!target) throw fail(400, 'external_host must be <host>:<port> for all transports other than websocket');
  const encapsulation = q.encapsulation ?? 'rtp';
  const transport = q.transport ?? 'udp';
  if (encapsulation === 'rtp' && transport !== 'udp') throw fail(400, "transport must be 'udp' for rtp encapsulation");
  if (encapsulation === 'audiosocket') {
    if (!fake.opts.externalMediaAudioSocket) throw fail(400, 'encapsulation must be rtp');
    if (transport !== 'tcp') throw fail(400, "transport must be 'tcp' for audiosocket encapsulation");
    if (!q.data) throw fail(400, 'data can not be empty');
    if (q.format !== 'slin' && q.format !== 'slin16') throw fail(400, `format ${q.format} is not supported by the fake for audiosocket`);
    const leg = await openAudioSocketLeg(fake, target, q.data, q.format, q.channelId);
    scheduleStasis(fake, leg, q.app, [q.data]);
    return leg;
  }
  if (encapsulation !== 'rtp') throw new AriHttpError(400, { message: `encapsulation ${encapsulation} is not supported` });
  if (q.format !== 'ulaw') throw fail(400, `format ${q.format} is not supported by the fake for rtp`);
  const ref: { leg?: FakeChannel } = {};
  const peer = await RtpPeer.open({
    bindHost: fake.opts.rtpBindHost,
    remoteHost: target.host,
    remotePort: target.port,
    onAudio: (pcm) => ref.leg && deliverToCallers(fake, ref.leg, pcm),
  });
  const leg = fake.createChannel({
    id: q.channelId,
    name: `UnicastRTP/${q.external_host}-0x${randomBytes(6).toString('hex')}`,
    role: 'rtp',
    rtp: peer,
    ownVarNames: ['UNICASTRTP_LOCAL_PORT', 'UNICASTRTP_LOCAL_ADDRESS'],
  });
  fake.setVar(leg, 'UNICASTRTP_LOCAL_ADDRESS', fake.opts.rtpBindHost);
  fake.setVar(leg, 'UNICASTRTP_LOCAL_PORT', String(peer.port));
  ref.leg = leg;
  scheduleStasis(fake, leg, q.app, []);
  return leg;
}

/** POST /channels: AudioSocket/<host>:<port>/<uuid>/c(slin) into the app; other techs are plain channels; Bogus fails. */
export async function originate(fake: FakeAsterisk, q: Record<string, string>): Promise<FakeChannel> {
  if (!q.endpoint) throw fail(400, 'Endpoint must be specified');
  if (!q.app && !q.extension) throw fail(400, 'Application or extension must be specified');
  const tech = q.endpoint.split('/')[0]!;
  const args = q.appArgs ? q.appArgs.split(',') : [];
  if (tech === 'AudioSocket') {
    const m = /^AudioSocket\/([^/]+)\/([0-9a-fA-F-]{36})(?:\/c\((slin|slin16)\))?$/.exec(q.endpoint);
    const target = m ? splitHostPort(m[1]!) : undefined;
    if (!m || !target) throw new AriHttpError(500, { error: 'Allocation failed' });
    const leg = await openAudioSocketLeg(fake, target, m[2]!, (m[3] as 'slin' | 'slin16' | undefined) ?? 'slin', q.channelId);
    if (q.app) scheduleStasis(fake, leg, q.app, args);
    return leg;
  }
  if (!['Local', 'PJSIP', 'SIP', 'IAX2', 'DAHDI'].includes(tech)) throw new AriHttpError(500, { error: 'Allocation failed' });
  const ch = fake.createChannel({ id: q.channelId, name: `${q.endpoint}-${randomBytes(4).toString('hex')}`, role: 'other' });
  if (q.app) scheduleStasis(fake, ch, q.app, args);
  return ch;
}
