import type {
  EventId,
  EventStore,
  StreamId,
} from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';

/**
 * Every event of one legacy session's streams, so that a client can resume a stream after its
 * last event (MCP 2025-11-25, Resumability and Redelivery). Ids count up within the session, and
 * each stream replays in the order it was sent, which the SDK's example store (sorting ids that
 * start with a millisecond clock and end at random) does not promise. Kept for the session's
 * life: the sandbox's sessions are short.
 */
export class SessionEventStore implements EventStore {
  private readonly streams = new Map<StreamId, Array<{ id: EventId; message: JSONRPCMessage }>>();
  private readonly streamOf = new Map<EventId, StreamId>();
  private last = 0;

  async storeEvent(streamId: StreamId, message: JSONRPCMessage): Promise<EventId> {
    const id = String(++this.last);
    const events = this.streams.get(streamId) ?? [];
    events.push({ id, message });
    this.streams.set(streamId, events);
    this.streamOf.set(id, streamId);
    return id;
  }

  async replayEventsAfter(
    lastEventId: EventId,
    { send }: { send: (eventId: EventId, message: JSONRPCMessage) => Promise<void> },
  ): Promise<StreamId> {
    const streamId = this.streamOf.get(lastEventId);
    if (streamId === undefined) throw new Error(`No event ${lastEventId} in this session.`);
    const events = this.streams.get(streamId)!;
    // Read by index, not from a copy: an event stored while replaying is replayed too.
    for (
      let at = events.findIndex((event) => event.id === lastEventId) + 1;
      at < events.length;
      at++
    ) {
      const { id, message } = events[at]!;
      // A priming event (stored as `{}`) only marked where to resume from.
      if (Object.keys(message).length > 0) await send(id, message);
    }
    return streamId;
  }
}
