/**
 * Announces that the tool list changed to everyone listening, whatever their era: legacy sessions
 * turn it into `notifications/tools/list_changed` on their GET stream, modern clients get it on
 * their `subscriptions/listen` stream.
 */
export class ToolListChanges {
  private readonly listeners = new Set<() => void>();

  /** Returns the function that stops listening. */
  listen(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  announce(): number {
    for (const listener of this.listeners) listener();
    return this.listeners.size;
  }
}
