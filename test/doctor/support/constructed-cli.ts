/**
 * CONSTRUCTED, NOT CAPTURED: Asterisk 22 CLI answers the shared captures lack
 * (`core show settings`, `pjsip show endpoints`, `pjsip show endpoint <id>`).
 * They are written from Asterisk's own source format: the "* Directories"
 * block of handle_show_settings in main/asterisk.c, and res_pjsip's CLI
 * printers (the endpoint header with its "=====" rule, and the sorcery object
 * set printed as " %-*s : %s" with names sorted, booleans "true"/"false",
 * yes/no options "yes"/"no"). Endpoint parameters are a representative subset
 * of the ~150 a real endpoint prints.
 */

export interface AsteriskDirsLayout {
  configDir: string;
  spoolDir: string;
  dataDir: string;
}

export const DEFAULT_LAYOUT: AsteriskDirsLayout = { configDir: '/etc/asterisk', spoolDir: '/var/spool/asterisk', dataDir: '/var/lib/asterisk' };

/** `core show settings` of an Asterisk started with these [directories]. */
export function coreShowSettings(d: AsteriskDirsLayout = DEFAULT_LAYOUT): string {
  const conf = d.configDir === '/etc/asterisk' ? '/etc/asterisk/asterisk.conf' : `${d.configDir}/asterisk.conf`;
  return [
    '',
    'PBX Core settings',
    '-----------------',
    '  Version:                     22.10.1',
    '  Build Options:               BUILD_NATIVE, OPTIONAL_API',
    '  Maximum calls:               Not set',
    '  Maximum open file handles:   1048576',
    '  Root console verbosity:      3',
    '  Current console verbosity:   0',
    '  Debug level:                 0',
    '  Trace level:                 0',
    '  Maximum load average:        0.000000',
    '  Minimum free memory:         0 MB',
    '  Startup time:                06:26:37',
    '  Last reload time:            06:26:37',
    '  System:                      Linux/6.1.0-28-amd64 built by root on x86_64 2026-11-21 06:20:11 UTC',
    '  System name:                 ',
    '  Entity ID:                   52:54:00:12:34:56',
    '  PBX UUID:                    0b5b0e7c-5f1e-4d8a-9a64-2f4c1f9e1d27',
    '  Default language:            en',
    '  Language prefix:             Enabled',
    '  User name and group:         asterisk/asterisk',
    '  Executable includes:         Disabled',
    '  Transcode via SLIN:          Enabled',
    '  Transmit silence during rec: Disabled',
    '  Generic PLC:                 Disabled',
    '  Generic PLC on equal codecs: Disabled',
    '  Hide Msg Chan AMI events:    Disabled',
    '  Sounds search custom dir:    Disabled',
    '  Min DTMF duration::          80',
    '  Cache media frames:          Enabled',
    '  RTP use dynamic payloads:    1',
    '  RTP dynamic payload types:   35-63,96-127',
    '  Channel storage backend:     ao2_legacy',
    '  Shell on remote consoles:    Enabled',
    '',
    '* Subsystems',
    '  -------------',
    '  Manager (AMI):               Disabled',
    '  Web Manager (AMI/HTTP):      Disabled',
    '  Call data records:           Enabled',
    '  Realtime Architecture (ARA): Disabled',
    '',
    '* Directories',
    '  -------------',
    `  Configuration file:          ${conf}`,
    `  Configuration directory:     ${d.configDir}`,
    '  Module directory:            /usr/lib/asterisk/modules',
    `  Spool directory:             ${d.spoolDir}`,
    '  Log directory:               /var/log/asterisk',
    '  Run/Sockets directory:       /var/run/asterisk',
    '  PID file:                    /var/run/asterisk/asterisk.pid',
    `  VarLib directory:            ${d.dataDir}`,
    `  Data directory:              ${d.dataDir}`,
    `  ASTDB:                       ${d.dataDir}/astdb`,
    `  IAX2 Keys directory:         ${d.dataDir}/keys`,
    `  AGI Scripts directory:       ${d.dataDir}/agi-bin`,
    '',
    '',
    '',
  ].join('\n');
}

const ENDPOINT_HEADER = [
  '',
  ' Endpoint:  <Endpoint/CID.....................................>  <State.....>  <Channels.>',
  '    I/OAuth:  <AuthId/UserName...........................................................>',
  '        Aor:  <Aor............................................>  <MaxContact>',
  '      Contact:  <Aor/ContactUri..........................> <Hash....> <Status> <RTT(ms)..>',
  '  Transport:  <TransportId........>  <Type>  <cos>  <tos>  <BindAddress..................>',
  '   Identify:  <Identify/Endpoint.........................................................>',
  '        Match:  <criteria.........................>',
  '    Channel:  <ChannelId......................................>  <State.....>  <Time.....>',
  '        Exten: <DialedExten...........>  CLCID: <ConnectedLineCID.......>',
  ' =========================================================================================',
  '',
];

function endpointSummary(id: string): string[] {
  return [` Endpoint:  ${`${id}/${id}`.padEnd(53)}Unavailable   0 of inf`, `     InAuth:  ${id}-auth/${id}`, `        Aor:  ${id.padEnd(53)}1`, ''];
}

/** `pjsip show endpoints` listing these endpoint ids. */
export function pjsipShowEndpoints(ids: string[]): string {
  if (!ids.length) return 'No objects found.\n\n';
  return [...ENDPOINT_HEADER, ...ids.flatMap(endpointSummary), `Objects found: ${ids.length}`, '', ''].join('\n');
}

/** `pjsip show endpoint <id>`: a WebRTC endpoint (webrtc=yes applies DTLS, ICE, AVPF and a generated certificate) or a plain SIP one. */
export function pjsipShowEndpoint(id: string, opts: { webrtc: boolean; mediaEncryption?: string }): string {
  const w = opts.webrtc;
  const params: [string, string][] = [
    ['100rel', 'yes'],
    ['aors', id],
    ['allow', '(ulaw|alaw|opus)'],
    ['auth', `${id}-auth`],
    ['callerid', `${id} <${id}>`],
    ['context', 'from-internal'],
    ['direct_media', 'true'],
    ['disallow', ''],
    ['dtls_auto_generate_cert', w ? 'Yes' : 'No'],
    ['dtls_cert_file', ''],
    ['dtls_setup', w ? 'actpass' : 'active'],
    ['dtls_verify', w ? 'Yes' : 'No'],
    ['ice_support', w ? 'true' : 'false'],
    ['media_encryption', opts.mediaEncryption ?? (w ? 'dtls' : 'no')],
    ['media_use_received_transport', w ? 'true' : 'false'],
    ['rtcp_mux', w ? 'true' : 'false'],
    ['rtp_symmetric', 'false'],
    ['transport', w ? 'transport-wss' : 'transport-udp'],
    ['use_avpf', w ? 'true' : 'false'],
    ['webrtc', w ? 'yes' : 'no'],
  ];
  const width = Math.max(13, ...params.map(([n]) => n.length));
  const valueWidth = Math.max(14, ...params.map(([, v]) => v.length));
  return [
    ...ENDPOINT_HEADER,
    ...endpointSummary(id),
    '',
    ` ${'ParameterName'.padEnd(width)} : ParameterValue`,
    ` ${'='.repeat(width + valueWidth + 3)}`,
    ...params.map(([n, v]) => ` ${n.padEnd(width)} : ${v}`),
    '',
    '',
  ].join('\n');
}

/** The default fake PBX: endpoint 200 is the softphone's (WebRTC), 201 a desk phone. */
export function defaultConstructedCli(layout: AsteriskDirsLayout = DEFAULT_LAYOUT): Record<string, string> {
  return {
    'core-show-settings': coreShowSettings(layout),
    'pjsip-show-endpoints': pjsipShowEndpoints(['201', '200']),
    'pjsip-show-endpoint-200': pjsipShowEndpoint('200', { webrtc: true }),
    'pjsip-show-endpoint-201': pjsipShowEndpoint('201', { webrtc: false }),
  };
}
