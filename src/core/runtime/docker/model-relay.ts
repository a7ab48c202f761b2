/**
 * The relay: how containers on an engine that cannot reach this machine (a tcp:// engine elsewhere)
 * reach the metering proxy here, with nothing listening on this machine for the world and the
 * provider keys never leaving it.
 *
 *   trial container ──HTTP──▶ relay container (on the run network, RELAY_IP:8080)
 *                                   │  frames over the stdin/stdout of one `docker exec`
 *                                   ▼  (a hijacked Docker API connection this machine opened)
 *                             this process ──▶ metering proxy on 127.0.0.1
 *
 * The relay is a small Perl program (`perl-base` is in every Debian and Ubuntu image, the relay's
 * image is `debian:bookworm-slim` unless the engine lacks it and cannot pull it) run by an exec in
 * an idle container KiloBench starts on each run network that needs one. It accepts connections
 * and multiplexes them over its stdin/stdout as frames:
 *
 *     type (1 byte) · connection id (4 bytes, big-endian) · length (4 bytes) · payload
 *     relay → here: 0 ready, 1 open, 2 data, 3 close      here → relay: 2 data, 3 close
 *
 * This side opens a loopback connection to the proxy per relayed connection. The relay and the
 * containers see only trial tokens (`/t/TOKEN`); the proxy adds the key. The relay lives as long as
 * the exec stream: when the stream ends (engine lost, connection dropped) the program exits on EOF,
 * and the next use starts it again in the same container. A client that half-closes its side
 * before reading the answer is cut (HTTP clients do not).
 */
import { connect, type Socket } from 'node:net';
import { PassThrough, type Duplex } from 'node:stream';
import type Docker from 'dockerode';
import { InfraError } from '../../errors';
import { LABELS, type NetworkInfo } from '../container-runtime';

/** The port the relay listens on inside its container (it has its own address on the run network). */
export const RELAY_PORT = 8080;
/** The relay container's image; perl-base is in it. */
export const RELAY_IMAGE = 'debian:bookworm-slim';

const OPEN = 1;
const DATA = 2;
const CLOSE = 3;
const READY = 0;

/** The relay program (Perl 5, core modules only). Argument: the port. */
export const RELAY_SCRIPT = String.raw`
use strict; use IO::Socket::INET; use IO::Select;
$SIG{PIPE} = 'IGNORE'; $| = 1; binmode STDIN; binmode STDOUT;
my $l = IO::Socket::INET->new(LocalAddr => '0.0.0.0', LocalPort => $ARGV[0], Listen => 128, ReuseAddr => 1, Proto => 'tcp')
  or die "relay: cannot listen on port $ARGV[0]: $!\n";
my $sel = IO::Select->new($l, \*STDIN);
my (%sock, %idof); my $next = 0; my $in = '';
sub out { my $f = pack('CNN', $_[0], $_[1], length $_[2]) . $_[2]; while (length $f) { my $w = syswrite(STDOUT, $f); exit 0 unless defined $w; substr($f, 0, $w) = ''; } }
sub drop { my $id = shift; my $s = delete $sock{$id} or return; delete $idof{fileno $s}; $sel->remove($s); close $s; }
out(0, 0, '');
while (1) {
  for my $fh ($sel->can_read) {
    if ($fh == $l) {
      my $s = $l->accept or next; my $id = ++$next; $sock{$id} = $s; $idof{fileno $s} = $id; $sel->add($s); out(1, $id, '');
    } elsif ($fh == \*STDIN) {
      my $n = sysread(STDIN, my $buf, 65536); exit 0 unless $n; $in .= $buf;
      while (length($in) >= 9) {
        my ($t, $id, $len) = unpack('CNN', $in); last if length($in) < 9 + $len;
        my $p = substr($in, 9, $len); substr($in, 0, 9 + $len) = '';
        if ($t == 2) { my $s = $sock{$id} or next; while (length $p) { my $w = syswrite($s, $p); if (!defined $w) { drop($id); out(3, $id, ''); last } substr($p, 0, $w) = ''; } }
        elsif ($t == 3) { drop($id); }
      }
    } else {
      my $id = $idof{fileno $fh}; my $n = sysread($fh, my $buf, 65536);
      if ($n) { out(2, $id, $buf) } else { drop($id); out(3, $id, '') }
    }
  }
}
`;

function frame(type: number, id: number, payload: Buffer = Buffer.alloc(0)): Buffer {
  const head = Buffer.alloc(9);
  head.writeUInt8(type, 0);
  head.writeUInt32BE(id, 1);
  head.writeUInt32BE(payload.length, 5);
  return Buffer.concat([head, payload]);
}

/** Reads frames from the relay's demuxed stdout. */
class FrameReader {
  private buffer: Buffer = Buffer.alloc(0);

  constructor(private readonly onFrame: (type: number, id: number, payload: Buffer) => void) {}

  push(chunk: Buffer): void {
    this.buffer = this.buffer.length ? Buffer.concat([this.buffer, chunk]) : chunk;
    while (this.buffer.length >= 9) {
      const length = this.buffer.readUInt32BE(5);
      if (this.buffer.length < 9 + length) return;
      const type = this.buffer.readUInt8(0);
      const id = this.buffer.readUInt32BE(1);
      const payload = this.buffer.subarray(9, 9 + length);
      this.buffer = this.buffer.subarray(9 + length);
      this.onFrame(type, id, payload);
    }
  }
}

function messageOf(error: unknown): string {
  const e = error as { json?: { message?: string }; message?: string };
  return e.json?.message ?? e.message ?? String(error);
}

/** One relay on one run network of one engine. */
class Relay {
  private stream: Duplex | undefined;
  private starting: Promise<void> | undefined;
  private readonly sockets = new Map<number, Socket>();

  constructor(private readonly docker: Docker, private readonly containerId: string, private readonly proxyUrl: () => string, private readonly where: string) {}

  /** Start the relay program (again, when its stream ended); resolves once it listens. */
  ensure(): Promise<void> {
    if (this.stream && !this.stream.destroyed) return Promise.resolve();
    this.starting ??= this.start().finally(() => { this.starting = undefined; });
    return this.starting;
  }

  private async start(): Promise<void> {
    const exec = await this.docker.getContainer(this.containerId).exec({
      Cmd: ['perl', '-e', RELAY_SCRIPT, String(RELAY_PORT)], AttachStdin: true, AttachStdout: true, AttachStderr: true, Tty: false,
    });
    const stream = await exec.start({ hijack: true, stdin: true }) as unknown as Duplex;
    const stdout = new PassThrough();
    const stderr = new PassThrough();
    let errors = '';
    stderr.on('data', (d: Buffer) => { errors = (errors + d.toString()).slice(-500); });
    this.docker.modem.demuxStream(stream, stdout, stderr);
    await new Promise<void>((resolve, reject) => {
      let ready = false;
      const reader = new FrameReader((type, id, payload) => {
        if (type === READY && !ready) {
          ready = true;
          resolve();
        } else this.onFrame(stream, type, id, payload);
      });
      stdout.on('data', (chunk: Buffer) => reader.push(chunk));
      const ended = () => {
        if (this.stream === stream) this.stream = undefined;
        for (const socket of this.sockets.values()) socket.destroy();
        this.sockets.clear();
        if (!ready) reject(new InfraError(`the model relay on ${this.where} did not start: ${errors.trim() || 'its stream ended'}`));
      };
      stream.on('end', ended);
      stream.on('close', ended);
      stream.on('error', ended);
      setTimeout(() => {
        if (!ready) {
          stream.destroy();
          reject(new InfraError(`the model relay on ${this.where} did not answer in 30 s`));
        }
      }, 30_000).unref();
    });
    this.stream = stream;
  }

  private onFrame(stream: Duplex, type: number, id: number, payload: Buffer): void {
    if (type === OPEN) {
      const proxy = new URL(this.proxyUrl());
      const socket = connect(Number(proxy.port), proxy.hostname);
      this.sockets.set(id, socket);
      socket.on('data', (data: Buffer) => { if (!stream.destroyed) stream.write(frame(DATA, id, data)); });
      socket.on('error', () => socket.destroy());
      socket.on('close', () => {
        if (this.sockets.get(id) !== socket) return;
        this.sockets.delete(id);
        if (!stream.destroyed) stream.write(frame(CLOSE, id));
      });
    } else if (type === DATA) {
      this.sockets.get(id)?.write(payload);
    } else if (type === CLOSE) {
      const socket = this.sockets.get(id);
      this.sockets.delete(id);
      socket?.destroy();
    }
  }

  async close(): Promise<void> {
    this.stream?.destroy();
    for (const socket of this.sockets.values()) socket.destroy();
    this.sockets.clear();
    await this.docker.getContainer(this.containerId).remove({ force: true }).catch(() => undefined);
  }
}

/** Where a network's containers reach the proxy through a relay; `ensure` restarts its program when its stream dropped. */
export interface RelayHandle {
  url: string;
  ensure(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Start a relay container on `network` of the engine and its program; `url` is where the network's
 * containers reach the proxy. `owner` is the owner label (`host:pid`) the reaper reads.
 */
export async function openRelay(docker: Docker, network: NetworkInfo, options: { proxyUrl: () => string; owner: string; where: string }): Promise<RelayHandle> {
  const runId = network.labels[LABELS.run] ?? 'relay';
  await ensureRelayImage(docker, options.where);
  let container: Docker.Container;
  try {
    container = await docker.createContainer({
      Image: RELAY_IMAGE,
      Cmd: ['sleep', 'infinity'],
      Labels: { [LABELS.run]: runId, [LABELS.owner]: options.owner, 'kilobench.relay': network.name },
      HostConfig: {
        NetworkMode: network.name, Memory: 64 * 1024 * 1024, PidsLimit: 32, ReadonlyRootfs: true,
        SecurityOpt: ['no-new-privileges'], CapDrop: ['ALL'],
      },
    });
    await container.start();
  } catch (e) {
    throw new InfraError(`cannot start the model relay on ${options.where} (network ${network.name}): ${messageOf(e)}`);
  }
  const relay = new Relay(docker, container.id, options.proxyUrl, options.where);
  try {
    const info = await container.inspect();
    const address = info.NetworkSettings.Networks[network.name]?.IPAddress;
    if (!address) throw new InfraError(`the model relay on ${options.where} got no address on the network ${network.name}`);
    await relay.ensure();
    return { url: `http://${address}:${RELAY_PORT}`, ensure: () => relay.ensure(), close: () => relay.close() };
  } catch (e) {
    await relay.close();
    throw e instanceof InfraError ? e : new InfraError(`the model relay on ${options.where}: ${messageOf(e)}`);
  }
}

async function ensureRelayImage(docker: Docker, where: string): Promise<void> {
  const present = await docker.getImage(RELAY_IMAGE).inspect().then(() => true, () => false);
  if (present) return;
  try {
    const stream = await docker.pull(RELAY_IMAGE);
    await new Promise<void>((resolve, reject) => docker.modem.followProgress(stream, (e) => (e ? reject(e) : resolve())));
  } catch (e) {
    throw new InfraError(`the engine ${where} has no ${RELAY_IMAGE} for the model relay and cannot pull it: ${messageOf(e)}; load it there (docker save ${RELAY_IMAGE} | docker -H … load)`);
  }
}
