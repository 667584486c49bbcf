// Event subscriptions of the Electron objects the shell uses, one event per type: Electron declares
// one `on` overload per event, so an intersection of these (not a union of event names) is what the
// real objects satisfy and what a fake implements.

/** Emits `event`; `listener` gets its arguments. */
export interface On<E extends string, L> {
  on(event: E, listener: L): unknown;
}

/** Emits `event` once; `listener` gets its arguments. */
export interface Once<E extends string, L> {
  once(event: E, listener: L): unknown;
}
