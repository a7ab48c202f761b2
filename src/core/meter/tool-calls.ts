/**
 * Tool calls as they come out of a response: created when the name is seen, arguments appended as
 * fragments arrive (streams) or set at once (whole responses), in the order the model made them.
 */
import { CappedText } from './capped-text';
import type { ToolCallSeen } from './types';

class PendingCall {
  readonly args = new CappedText();
  constructor(public id: string | null, public name: string) {}
}

export class ToolCallCollector {
  private readonly calls = new Map<string, PendingCall>();

  /** Starts (or finds) the call under `key`; a later id or name fills in what was missing. */
  open(key: string, id?: string | null, name?: string | null): void {
    const call = this.calls.get(key);
    if (!call) {
      this.calls.set(key, new PendingCall(id ?? null, name ?? ''));
      return;
    }
    if (id && !call.id) call.id = id;
    if (name && !call.name) call.name = name;
  }

  appendArguments(key: string, fragment: string): void {
    if (!this.calls.has(key)) this.open(key);
    this.calls.get(key)?.args.append(fragment);
  }

  setArguments(key: string, value: string): void {
    if (!this.calls.has(key)) this.open(key);
    this.calls.get(key)?.args.set(value);
  }

  result(): ToolCallSeen[] {
    return [...this.calls.values()].map((c) => ({
      id: c.id,
      name: c.name,
      argumentsBytes: c.args.bytes,
      arguments: c.args.toString(),
    }));
  }
}
