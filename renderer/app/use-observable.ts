// Subscribes a component to an RxJS observable (RxDB queries, sync status) and re-renders on change.
import { useEffect, useState } from 'react';
import type { Observable } from 'rxjs';

export function useObservable<T>(source: Observable<T> | undefined, initial: T): T {
  const [value, setValue] = useState<T>(initial);
  useEffect(() => {
    if (source === undefined) return;
    const subscription = source.subscribe({
      next: (next) => {
        setValue(() => next);
      },
      error: () => undefined,
    });
    return () => {
      subscription.unsubscribe();
    };
  }, [source]);
  return value;
}
