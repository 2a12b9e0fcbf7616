import type { SavedServer } from '../registry/statusFiles';
import { factsFromInitialize, type ServerFacts } from './eraMapping';

/**
 * What Splattr last said about itself (its `initialize` answer and tool list), kept in the
 * connection's status file so a bridge started while signed out can answer the client.
 */
export class SavedCopy {
  private text: string;

  constructor(
    private saved: SavedServer,
    /** Writes a changed copy to the status file. */
    private readonly save: (saved: SavedServer) => void,
  ) {
    this.text = JSON.stringify(saved);
  }

  get protocolVersion(): string | undefined {
    return this.saved.protocolVersion;
  }

  get tools(): NonNullable<SavedServer['tools']> {
    return this.saved.tools ?? [];
  }

  noteInitialize(result: Record<string, unknown>): void {
    const { capabilities, serverInfo, instructions } = factsFromInitialize(result);
    const protocolVersion =
      typeof result.protocolVersion === 'string' ? result.protocolVersion : undefined;
    this.remember({
      protocolVersion,
      capabilities,
      serverInfo: serverInfo as SavedServer['serverInfo'],
      instructions,
    });
  }

  /** A whole tool list (not a page of one). */
  noteTools(result: Record<string, unknown>): void {
    if (result.nextCursor !== undefined || !Array.isArray(result.tools)) return;
    this.remember({ tools: result.tools as SavedServer['tools'] });
  }

  /**
   * What a client starting while signed out is told: the copy, with the sign-in sentence as
   * instructions when nothing was saved yet, and tools announcing list changes (which the
   * bridge sends once signed in, should Splattr's tools differ from the copy).
   */
  facts(signInSentence: string): ServerFacts {
    const { capabilities, serverInfo, instructions } = this.saved;
    return {
      capabilities: {
        ...capabilities,
        tools: { ...(capabilities?.tools as object | undefined), listChanged: true },
      },
      serverInfo,
      instructions: instructions ?? signInSentence,
    };
  }

  private remember(patch: SavedServer): void {
    const next = { ...this.saved, ...patch };
    const text = JSON.stringify(next);
    if (text === this.text) return;
    this.saved = next;
    this.text = text;
    this.save(next);
  }
}
