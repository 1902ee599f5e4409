/**
 * The fake's ARI REST routes. Status codes and error bodies follow
 * ../shared/fixtures/asterisk-22/ari/rest (e.g. 422 for bridge ops on a
 * channel outside Stasis but 409 for channel ops; 400 for addChannel with an
 * unknown channel; 500 for play without media).
 */
import { randomUUID } from 'node:crypto';
import type { FakeAsterisk } from './fake-asterisk.js';
import type { FakeChannel } from './model.js';
import { ASTERISK_ID, ariTime, bridgeJson, playbackJson } from './model.js';
import { fail, type Reply } from './http-util.js';
import type { Route, ParamSpec } from './route-table.js';
import { externalMedia, originate } from './media-legs.js';

const ok = (body: unknown, status = 200): Reply => ({ status, body });
const noContent: Reply = { status: 204 };
const P = (name: string): ParamSpec => ({ name, in: 'path', required: true });
const Q = (name: string, required = false, type: ParamSpec['type'] = 'string'): ParamSpec => ({ name, in: 'query', required, type });

export function buildRoutes(fake: FakeAsterisk): Route[] {
  const channel = (id: string | undefined): FakeChannel => {
    const ch = id ? fake.channels.get(id) : undefined;
    if (!ch) throw fail(404, 'Channel not found');
    return ch;
  };
  const inStasis = (ch: FakeChannel, status: 409 | 422 = 409): FakeChannel => {
    if (!ch.stasisApp) throw fail(status, 'Channel not in Stasis application');
    return ch;
  };
  const bridge = (id: string | undefined) => {
    const b = id ? fake.bridges.get(id) : undefined;
    if (!b) throw fail(404, 'Bridge not found');
    return b;
  };
  const play = (ch: FakeChannel, media: string | undefined, id: string): Reply => {
    if (!media) throw fail(500, 'Failed to queue media for playback');
    const p = fake.startPlayback(ch, media, id);
    return { status: 201, body: playbackJson(p), headers: { Location: `/ari/playbacks/${p.id}` } };
  };

  return [
    // asterisk
    {
      method: 'GET', path: '/asterisk/info', resource: 'asterisk', nickname: 'getInfo', params: [Q('only')], responseClass: 'AsteriskInfo',
      handle: () => ok({ build: { os: 'Linux', machine: 'x86_64' }, system: { version: '22.10.1', entity_id: ASTERISK_ID }, config: { name: '', default_language: 'en' }, status: { startup_time: ariTime(), last_reload_time: ariTime() } }),
    },
    {
      method: 'GET', path: '/asterisk/ping', resource: 'asterisk', nickname: 'ping', params: [], responseClass: 'AsteriskPing',
      handle: () => ok({ ping: 'pong', timestamp: ariTime(), asterisk_id: ASTERISK_ID }),
    },
    // applications
    {
      method: 'GET', path: '/applications', resource: 'applications', nickname: 'list', params: [], responseClass: 'List[Application]',
      handle: () => ok(fake.apps().map((name) => ({ name, channel_ids: ['__AST_CHANNEL_ALL_TOPIC'], bridge_ids: ['__AST_BRIDGE_ALL_TOPIC'], endpoint_ids: ['__AST_ENDPOINT_ALL_TOPIC'], device_names: ['__AST_DEVICE_STATE_ALL_TOPIC'], events_allowed: [], events_disallowed: [] }))),
    },
    // channels
    {
      method: 'GET', path: '/channels', resource: 'channels', nickname: 'list', params: [], responseClass: 'List[Channel]',
      handle: () => ok([...fake.channels.values()].map((c) => fake.chJson(c))),
    },
    {
      method: 'POST', path: '/channels', resource: 'channels', nickname: 'originate',
      params: ['endpoint', 'extension', 'context', 'priority', 'app', 'appArgs', 'callerId', 'timeout', 'channelId', 'otherChannelId', 'originator', 'formats'].map((n) => Q(n)),
      responseClass: 'Channel',
      handle: async ({ query }) => ok(fake.chJson(await originate(fake, query))),
    },
    {
      method: 'POST', path: '/channels/externalMedia', resource: 'channels', nickname: 'externalMedia',
      params: ['channelId', 'app', 'external_host', 'encapsulation', 'transport', 'connection_type', 'format', 'direction', 'data'].map((n) => Q(n)),
      responseClass: 'Channel',
      handle: async ({ query }) => ok(fake.chJson(await externalMedia(fake, query))),
    },
    {
      method: 'GET', path: '/channels/{channelId}', resource: 'channels', nickname: 'get', params: [P('channelId')], responseClass: 'Channel',
      handle: ({ path }) => ok(fake.chJson(channel(path.channelId))),
    },
    {
      method: 'DELETE', path: '/channels/{channelId}', resource: 'channels', nickname: 'hangup', params: [P('channelId'), Q('reason_code'), Q('reason')], responseClass: 'void',
      handle: ({ path, query }) => {
        fake.hangupChannel(channel(path.channelId), { ari: true, cause: query.reason_code ? Number(query.reason_code) : 16 });
        return noContent;
      },
    },
    {
      method: 'POST', path: '/channels/{channelId}/answer', resource: 'channels', nickname: 'answer', params: [P('channelId')], responseClass: 'void',
      handle: ({ path }) => {
        const ch = inStasis(channel(path.channelId));
        ch.answered = true;
        fake.setState(ch, 'Up');
        return noContent;
      },
    },
    {
      method: 'POST', path: '/channels/{channelId}/continue', resource: 'channels', nickname: 'continueInDialplan',
      params: [P('channelId'), Q('context'), Q('extension'), Q('priority', false, 'int'), Q('label')], responseClass: 'void',
      handle: ({ path, query }) => {
        const ch = inStasis(channel(path.channelId));
        ch.continuedTo = { context: query.context ?? ch.dialplan.context, extension: query.extension ?? ch.dialplan.exten, priority: Number(query.priority ?? ch.dialplan.priority + 1) };
        const stasis = { app_name: ch.dialplan.app_name, app_data: ch.dialplan.app_data };
        fake.leaveStasis(ch);
        // As captured (transfer-continue.jsonl, line 27): first the target one priority early, still
        // showing Stasis, then the target itself (the fake runs no dialplan app there).
        const to = ch.continuedTo;
        ch.dialplan = { context: to.context, exten: to.extension, priority: to.priority - 1, ...stasis };
        fake.emit('ChannelDialplan', { dialplan_app: stasis.app_name, dialplan_app_data: stasis.app_data, channel: fake.chJson(ch) });
        ch.dialplan = { context: to.context, exten: to.extension, priority: to.priority, app_name: '', app_data: '' };
        fake.emit('ChannelDialplan', { dialplan_app: '', dialplan_app_data: '', channel: fake.chJson(ch) });
        return noContent;
      },
    },
    {
      method: 'POST', path: '/channels/{channelId}/play', resource: 'channels', nickname: 'play',
      params: [P('channelId'), Q('media'), Q('lang'), Q('offsetms', false, 'int'), Q('skipms', false, 'int'), Q('playbackId')], responseClass: 'Playback',
      handle: ({ path, query }) => play(inStasis(channel(path.channelId)), query.media, query.playbackId ?? randomUUID()),
    },
    {
      method: 'POST', path: '/channels/{channelId}/play/{playbackId}', resource: 'channels', nickname: 'playWithId',
      params: [P('channelId'), P('playbackId'), Q('media'), Q('lang'), Q('offsetms', false, 'int'), Q('skipms', false, 'int')], responseClass: 'Playback',
      handle: ({ path, query }) => play(inStasis(channel(path.channelId)), query.media, path.playbackId!),
    },
    {
      method: 'POST', path: '/channels/{channelId}/dtmf', resource: 'channels', nickname: 'sendDTMF',
      params: [P('channelId'), Q('dtmf'), Q('before', false, 'int'), Q('between', false, 'int'), Q('duration', false, 'int'), Q('after', false, 'int')], responseClass: 'void',
      handle: ({ path, query }) => {
        const ch = inStasis(channel(path.channelId));
        if (!query.dtmf) throw fail(400, 'DTMF is required');
        ch.dtmfReceived?.push(...query.dtmf.split(''));
        return noContent;
      },
    },
    {
      method: 'GET', path: '/channels/{channelId}/variable', resource: 'channels', nickname: 'getChannelVar', params: [P('channelId'), Q('variable', true)], responseClass: 'Variable',
      handle: ({ path, query }) => {
        if (!query.variable) throw fail(400, 'Variable name is required');
        const ch = channel(path.channelId);
        const fn = /^CALLERID\((num|name)\)$/.exec(query.variable);
        const value = fn ? (fn[1] === 'num' ? ch.caller.number : ch.caller.name) : ch.vars.get(query.variable);
        if (value === undefined) throw fail(404, 'Provided variable was not found');
        return ok({ value });
      },
    },
    {
      method: 'POST', path: '/channels/{channelId}/variable', resource: 'channels', nickname: 'setChannelVar', params: [P('channelId'), Q('variable', true), Q('value')], responseClass: 'void',
      handle: ({ path, query }) => {
        if (!query.variable) throw fail(400, 'Variable name is required');
        fake.setVar(channel(path.channelId), query.variable, query.value ?? '');
        return noContent;
      },
    },
    // bridges
    {
      method: 'GET', path: '/bridges', resource: 'bridges', nickname: 'list', params: [], responseClass: 'List[Bridge]',
      handle: () => ok([...fake.bridges.values()].map(bridgeJson)),
    },
    {
      method: 'POST', path: '/bridges', resource: 'bridges', nickname: 'create', params: [Q('type'), Q('bridgeId'), Q('name')], responseClass: 'Bridge',
      handle: ({ query }) => ok(bridgeJson(fake.createBridge(query.type ?? 'mixing', query.name ?? '', query.bridgeId || undefined))),
    },
    {
      method: 'GET', path: '/bridges/{bridgeId}', resource: 'bridges', nickname: 'get', params: [P('bridgeId')], responseClass: 'Bridge',
      handle: ({ path }) => ok(bridgeJson(bridge(path.bridgeId))),
    },
    {
      method: 'DELETE', path: '/bridges/{bridgeId}', resource: 'bridges', nickname: 'destroy', params: [P('bridgeId')], responseClass: 'void',
      handle: ({ path }) => {
        fake.destroyBridge(bridge(path.bridgeId));
        return noContent;
      },
    },
    {
      method: 'POST', path: '/bridges/{bridgeId}/addChannel', resource: 'bridges', nickname: 'addChannel',
      params: [P('bridgeId'), Q('channel', true), Q('role'), Q('absorbDTMF', false, 'boolean'), Q('mute', false, 'boolean')], responseClass: 'void',
      handle: ({ path, query }) => {
        const b = bridge(path.bridgeId);
        if (!query.channel) throw fail(400, 'Missing parameter channel');
        const chans = query.channel.split(',').map((id) => {
          const ch = fake.channels.get(id);
          if (!ch) throw fail(400, 'Channel not found');
          return inStasis(ch, 422);
        });
        for (const ch of chans) fake.addToBridge(b, ch);
        return noContent;
      },
    },
    {
      method: 'POST', path: '/bridges/{bridgeId}/removeChannel', resource: 'bridges', nickname: 'removeChannel', params: [P('bridgeId'), Q('channel', true)], responseClass: 'void',
      handle: ({ path, query }) => {
        const b = bridge(path.bridgeId);
        if (!query.channel) throw fail(400, 'Missing parameter channel');
        for (const id of query.channel.split(',')) {
          const ch = fake.channels.get(id);
          if (!ch) throw fail(400, 'Channel not found');
          if (ch.bridgeId !== b.id) throw fail(422, 'Channel not in this bridge');
          fake.removeFromBridge(ch);
        }
        return noContent;
      },
    },
    // playbacks
    {
      method: 'GET', path: '/playbacks/{playbackId}', resource: 'playbacks', nickname: 'get', params: [P('playbackId')], responseClass: 'Playback',
      handle: ({ path }) => {
        const p = fake.playbacks.get(path.playbackId!);
        if (!p) throw fail(404, 'Playback not found');
        return ok(playbackJson(p));
      },
    },
    {
      method: 'DELETE', path: '/playbacks/{playbackId}', resource: 'playbacks', nickname: 'stop', params: [P('playbackId')], responseClass: 'void',
      handle: ({ path }) => {
        const p = fake.playbacks.get(path.playbackId!);
        if (!p) throw fail(404, 'Playback not found');
        fake.finishPlayback(p, 'done');
        return noContent;
      },
    },
  ];
}
