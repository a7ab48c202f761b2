/**
 * A registry the user names (`--registry HOST:PORT`, or `registry:` in the engines file) through
 * which a pool's engines share task images: a task image is built once, by the first engine that
 * needs it, tagged `HOST:PORT/kilobench-task/<id>:<content hash>` and pushed; every other engine
 * pulls that tag instead of building it. One `ImageRegistry` object is shared by the runtimes of all
 * engines of a session, so "first" is decided in this process (single-flight per tag across
 * engines); a tag an earlier run pushed is pulled, not built again.
 *
 * The registry must be reachable from every engine at the same address (a plain-HTTP registry must
 * be in each daemon's `insecure-registries`, except on 127.0.0.0/8, which Docker trusts already).
 */
import { connect } from 'node:net';
import { InputError } from '../../errors';

export class ImageRegistry {
  private readonly published = new Map<string, Promise<void>>();

  constructor(readonly host: string) {}

  /** The registry's name for a local image name (`kilobench-task/x:hash` → `HOST:PORT/kilobench-task/x:hash`). */
  nameOf(localName: string): string {
    return `${this.host}/${localName}`;
  }

  /**
   * The first caller for `name` runs `publish` (pull it if an earlier run pushed it, else build and
   * push); later callers wait for that and then pull. A failed publish is forgotten, so the next
   * caller tries again.
   */
  once(name: string, publish: () => Promise<void>): { owner: boolean; published: Promise<void> } {
    const pending = this.published.get(name);
    if (pending) return { owner: false, published: pending };
    const started = publish();
    this.published.set(name, started);
    started.catch(() => this.published.delete(name));
    return { owner: true, published: started };
  }

  /** The fix told with every registry error. */
  get fix(): string {
    return `check that the registry runs at ${this.host} and that every engine's dockerd reaches it (a plain-HTTP registry must be in each daemon's insecure-registries), or leave --registry out`;
  }
}

/** Check `--registry` / `registry:` (HOST:PORT, HOST, [IPv6]:PORT); `where` names the input in the message. */
export function checkRegistryHost(value: string, where: string): string {
  if (!/^([A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?|\[[0-9A-Fa-f:.]+\])(:\d{1,5})?$/.test(value)) {
    throw new InputError(`${where}: "${value}" is not a registry address; write HOST:PORT, e.g. registry.example:5000 or 127.0.0.1:5000 (no scheme, no path)`);
  }
  return value;
}

/** Whether the registry answers a TCP connection from this machine within `timeoutMs`; an InputError naming it when not. */
export async function probeRegistry(host: string, timeoutMs = 5000): Promise<void> {
  const match = /^(\[[^\]]+\]|[^:]+)(?::(\d+))?$/.exec(host);
  const hostname = (match?.[1] ?? host).replace(/^\[|\]$/g, '');
  const port = Number(match?.[2] ?? 443);
  const problem = await new Promise<string | undefined>((resolve) => {
    const socket = connect({ host: hostname, port });
    const done = (why?: string) => {
      socket.destroy();
      resolve(why);
    };
    socket.setTimeout(timeoutMs, () => done(`no answer in ${Math.round(timeoutMs / 1000)} s`));
    socket.once('connect', () => done());
    socket.once('error', (e: NodeJS.ErrnoException) => done(e.code ?? e.message));
  });
  if (problem) throw new InputError(`registry ${host} does not answer (${problem}): start it, or fix --registry (the engines file's registry:); every engine must reach it at this address`);
}
