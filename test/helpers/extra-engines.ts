/**
 * More Docker engines on this machine, for pool tests: each its own dockerd (data root, exec root,
 * socket, pidfile; no bridge, no iptables, as .ci/docker-engine.sh runs the first one) with the
 * base image loaded from the main engine, optionally reachable over tcp://127.0.0.1:PORT; and an
 * sshd on loopback (throwaway keys) through which an engine is reached as ssh://root@127.0.0.1:PORT.
 * Everything is stopped by its PID.
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { resolveDockerHost } from '../../src/core/runtime/docker/docker-host';

export const BASE_IMAGE = 'debian:bookworm-slim';

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return !/\) [ZX] /.test(stat);
  } catch {
    return false;
  }
}

async function until(what: string, check: () => boolean, timeoutMs: number): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (check()) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`timed out waiting for ${what}`);
}

export interface ExtraEngine {
  /** unix:// socket of the daemon. */
  socket: string;
  /** tcp://127.0.0.1:PORT when asked for. */
  tcp?: string;
  pid(): number;
  /** SIGKILL the daemon (a crash), without cleaning anything. */
  kill(): void;
  /** Start it again on the same data root (after kill). */
  restart(): Promise<void>;
  /** Stop it by PID and wait for it to exit. */
  stop(): Promise<void>;
}

/** Server side of a TLS-verified tcp:// engine (as `dockerd --tlsverify`). */
export interface DaemonTls {
  ca: string;
  cert: string;
  key: string;
}

export async function startDockerd(dir: string, name: string, options: { tcpPort?: number; pool: string; insecureRegistries?: string[]; tls?: DaemonTls }): Promise<ExtraEngine> {
  const root = join(dir, name);
  mkdirSync(root, { recursive: true });
  const socketPath = join(root, 'docker.sock');
  const execRoot = `/run/kbp-${process.pid}-${name}`;
  const pidfile = join(root, 'docker.pid');
  writeFileSync(join(root, 'daemon.json'), '{}\n');
  const args = [
    '--config-file', join(root, 'daemon.json'),
    '--data-root', join(root, 'data'), '--exec-root', execRoot, '--pidfile', pidfile,
    '-H', `unix://${socketPath}`,
    ...(options.tcpPort ? ['-H', `tcp://127.0.0.1:${options.tcpPort}`] : []),
    ...(options.tcpPort && options.tls
      ? ['--tlsverify', '--tlscacert', options.tls.ca, '--tlscert', options.tls.cert, '--tlskey', options.tls.key]
      : options.tcpPort ? ['--tls=false'] : []),
    ...(options.insecureRegistries ?? []).flatMap((r) => ['--insecure-registry', r]),
    '--bridge=none', '--iptables=false', '--ip6tables=false',
    '--default-address-pool', `base=${options.pool},size=24`,
  ];
  let pid = 0;
  const start = async () => {
    rmSync(pidfile, { force: true });
    const child = spawn('dockerd', args, { detached: true, stdio: ['ignore', 'ignore', 'ignore'] });
    child.unref();
    pid = child.pid as number;
    await until(`dockerd ${name} to answer`, () => spawnSync('docker', ['-H', `unix://${socketPath}`, 'info'], { stdio: 'ignore' }).status === 0, 90_000);
  };
  await start();
  const engine: ExtraEngine = {
    socket: `unix://${socketPath}`,
    ...(options.tcpPort ? { tcp: `tcp://127.0.0.1:${options.tcpPort}` } : {}),
    pid: () => pid,
    kill: () => process.kill(pid, 'SIGKILL'),
    restart: start,
    stop: async () => {
      if (alive(pid)) {
        process.kill(pid, 'SIGTERM');
        await until(`dockerd ${name} to exit`, () => !alive(pid), 60_000).catch(() => process.kill(pid, 'SIGKILL'));
      }
      // What outlives a killed daemon: its containerd and container shims (their command lines name
      // this engine's exec root), then the mounts under its data root.
      for (const other of readdirSync('/proc').filter((p) => /^\d+$/.test(p)).map(Number)) {
        const cmdline = (() => { try { return readFileSync(`/proc/${other}/cmdline`, 'utf8'); } catch { return ''; } })();
        if (other !== process.pid && cmdline.includes(execRoot) && alive(other)) process.kill(other, 'SIGKILL');
      }
      await new Promise((r) => setTimeout(r, 500));
      const mounts = readFileSync('/proc/self/mounts', 'utf8').split('\n').map((l) => l.split(' ')[1] ?? '').filter((m) => m.startsWith(root) || m.startsWith(execRoot));
      for (const mount of mounts.sort((a, b) => b.length - a.length)) spawnSync('umount', ['-l', mount], { stdio: 'ignore' });
      rmSync(execRoot, { recursive: true, force: true });
    },
  };
  // The tasks' base image, from the main engine (no registry is reachable).
  const main = resolveDockerHost() ?? 'unix:///var/run/docker.sock';
  execFileSync('bash', ['-c', `docker -H ${main} save ${BASE_IMAGE} | docker -H unix://${socketPath} load -q`], { stdio: 'ignore' });
  return engine;
}

export interface Sshd {
  port: number;
  /** Private key of root's throwaway key pair. */
  keyPath: string;
  stop(): Promise<void>;
}

/** An sshd on 127.0.0.1:port letting root in with a fresh key; `env` is set in its sessions (SetEnv). */
export async function startSshd(dir: string, env: Record<string, string>): Promise<Sshd> {
  if (!existsSync('/usr/sbin/sshd')) {
    execFileSync('apt-get', ['install', '-y', '-q', '--no-install-recommends', 'openssh-server'], { stdio: 'ignore', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  }
  const root = join(dir, 'sshd');
  mkdirSync(root, { recursive: true });
  mkdirSync('/run/sshd', { recursive: true });
  const keyPath = join(root, 'id_ed25519');
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', keyPath]);
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', join(root, 'host_ed25519')]);
  writeFileSync(join(root, 'authorized_keys'), readFileSync(`${keyPath}.pub`));
  const port = await freePort();
  writeFileSync(join(root, 'sshd_config'), [
    `Port ${port}`, 'ListenAddress 127.0.0.1', `HostKey ${join(root, 'host_ed25519')}`, `PidFile ${join(root, 'sshd.pid')}`,
    `AuthorizedKeysFile ${join(root, 'authorized_keys')}`, 'PermitRootLogin prohibit-password', 'PasswordAuthentication no',
    'KbdInteractiveAuthentication no', 'UsePAM no', 'StrictModes no', 'AllowTcpForwarding yes', 'GatewayPorts clientspecified',
    `SetEnv ${Object.entries(env).map(([k, v]) => `${k}=${v}`).join(' ')}`, 'MaxSessions 100', 'MaxStartups 100', '',
  ].join('\n'));
  const child = spawn('/usr/sbin/sshd', ['-D', '-f', join(root, 'sshd_config'), '-E', join(root, 'sshd.log')], { detached: true, stdio: 'ignore' });
  child.unref();
  const pid = child.pid as number;
  await until('sshd to listen', () => spawnSync('bash', ['-c', `exec 3<>/dev/tcp/127.0.0.1/${port}`], { stdio: 'ignore' }).status === 0, 30_000);
  return {
    port, keyPath,
    stop: async () => {
      if (alive(pid)) process.kill(pid, 'SIGTERM');
      await until('sshd to exit', () => !alive(pid), 10_000).catch(() => undefined);
    },
  };
}

export interface Registry {
  /** HOST:PORT on loopback. */
  host: string;
  stop(): Promise<void>;
}

/** Debian's docker-registry (distribution 2.x) on 127.0.0.1:PORT with its own config and storage; stopped by PID. */
export async function startRegistry(dir: string): Promise<Registry> {
  if (!existsSync('/usr/bin/docker-registry')) {
    execFileSync('apt-get', ['install', '-y', '-q', '--no-install-recommends', 'docker-registry'], { stdio: 'ignore', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  }
  const root = join(dir, 'registry');
  mkdirSync(join(root, 'data'), { recursive: true });
  const port = await freePort();
  const config = join(root, 'config.yml');
  writeFileSync(config, [
    'version: 0.1', 'log:', '  level: warn', 'storage:', '  filesystem:', `    rootdirectory: ${join(root, 'data')}`,
    'http:', `  addr: 127.0.0.1:${port}`, '',
  ].join('\n'));
  const child = spawn('/usr/bin/docker-registry', ['serve', config], { detached: true, stdio: 'ignore' });
  child.unref();
  const pid = child.pid as number;
  await until('the registry to listen', () => spawnSync('bash', ['-c', `exec 3<>/dev/tcp/127.0.0.1/${port}`], { stdio: 'ignore' }).status === 0, 30_000);
  return {
    host: `127.0.0.1:${port}`,
    stop: async () => {
      if (alive(pid)) process.kill(pid, 'SIGTERM');
      await until('the registry to exit', () => !alive(pid), 10_000).catch(() => process.kill(pid, 'SIGKILL'));
    },
  };
}

/** A CA, a server certificate for 127.0.0.1 (IP SAN) and a client certificate, made with openssl in `dir`. */
export function makeCertificates(dir: string, name: string): { server: DaemonTls; clientDir: string } {
  if (!existsSync('/usr/bin/openssl')) {
    execFileSync('apt-get', ['install', '-y', '-q', '--no-install-recommends', 'openssl'], { stdio: 'ignore', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  }
  const root = join(dir, name);
  const clientDir = join(root, 'client');
  mkdirSync(clientDir, { recursive: true });
  const run = (args: string[]) => execFileSync('openssl', args, { cwd: root, stdio: 'ignore' });
  run(['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', `/CN=${name} test CA`, '-keyout', 'ca-key.pem', '-out', 'ca.pem']);
  run(['req', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=127.0.0.1', '-keyout', 'server-key.pem', '-out', 'server.csr']);
  writeFileSync(join(root, 'server.ext'), 'subjectAltName = IP:127.0.0.1\nextendedKeyUsage = serverAuth\n');
  run(['x509', '-req', '-in', 'server.csr', '-CA', 'ca.pem', '-CAkey', 'ca-key.pem', '-CAcreateserial', '-days', '2', '-extfile', 'server.ext', '-out', 'server-cert.pem']);
  run(['req', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=kilobench client', '-keyout', join(clientDir, 'key.pem'), '-out', 'client.csr']);
  writeFileSync(join(root, 'client.ext'), 'extendedKeyUsage = clientAuth\n');
  run(['x509', '-req', '-in', 'client.csr', '-CA', 'ca.pem', '-CAkey', 'ca-key.pem', '-CAcreateserial', '-days', '2', '-extfile', 'client.ext', '-out', join(clientDir, 'cert.pem')]);
  writeFileSync(join(clientDir, 'ca.pem'), readFileSync(join(root, 'ca.pem')));
  return { server: { ca: join(root, 'ca.pem'), cert: join(root, 'server-cert.pem'), key: join(root, 'server-key.pem') }, clientDir };
}
