/**
 * Each running trial's metered calls, handed to its harness (`HarnessContext.calls`): the list so far
 * and live listeners. The scheduler delivers every call of the run here; a call of a trial that is
 * not running (or not this process's) is ignored.
 */
import type { MeteredCall } from '../meter';
import type { MeteredCallFeed } from '../harness/harness';

interface Feed {
  calls: MeteredCall[];
  listeners: Set<(call: MeteredCall) => void>;
}

export class CallFeeds {
  private readonly feeds = new Map<string, Feed>();

  /** Start collecting a trial's calls (one attempt); the feed its harness reads. */
  open(trialId: string): MeteredCallFeed {
    const feed: Feed = { calls: [], listeners: new Set() };
    this.feeds.set(trialId, feed);
    return {
      list: () => feed.calls,
      subscribe: (listener) => {
        feed.listeners.add(listener);
        return () => feed.listeners.delete(listener);
      },
    };
  }

  close(trialId: string): void {
    this.feeds.delete(trialId);
  }

  deliver(call: MeteredCall): void {
    const feed = this.feeds.get(call.trialId);
    if (!feed) return;
    feed.calls.push(call);
    for (const listener of feed.listeners) {
      try {
        listener(call);
      } catch {
        // A harness's listener never stops the recording of calls.
      }
    }
  }
}
