// In-process notices that sessions or a whole account stopped being valid, so open streams end at once.

export type Revocation =
  | { readonly kind: 'sessions'; readonly sessionIds: readonly string[] }
  | { readonly kind: 'account'; readonly userId: string };

/**
 * Streams served by this process hear revocations here immediately; streams on other server
 * processes notice at their next heartbeat (or, for status changes, through the accounts feed).
 */
export class Revocations {
  readonly #listeners = new Set<{ readonly listener: (revocation: Revocation) => void }>();

  listen(listener: (revocation: Revocation) => void): () => void {
    const entry = { listener };
    this.#listeners.add(entry);
    return () => {
      this.#listeners.delete(entry);
    };
  }

  emit(revocation: Revocation): void {
    for (const { listener } of [...this.#listeners]) listener(revocation);
  }
}
