// Paging through a keyset-paged admin list: the cursors of the pages visited so far (the first
// page has none), so "back" returns to exactly the page seen before.
import { useState } from 'react';
import { Button } from '../../ui/button.tsx';

export function useCursorPages() {
  const [cursors, setCursors] = useState<readonly (string | undefined)[]>([undefined]);
  return {
    /** The cursor of the page shown, or undefined on the first page. */
    cursor: cursors.at(-1),
    /** How many pages precede the one shown. */
    pagesBefore: cursors.length - 1,
    back: () => {
      setCursors((list) => (list.length > 1 ? list.slice(0, -1) : list));
    },
    forward: (next: string) => {
      setCursors((list) => [...list, next]);
    },
    /** Back to the first page (the filter changed). */
    reset: () => {
      setCursors([undefined]);
    },
  };
}

export function PageButtons({
  pages,
  nextCursor,
  backLabel,
  forwardLabel,
}: {
  readonly pages: ReturnType<typeof useCursorPages>;
  readonly nextCursor: string | null;
  readonly backLabel: string;
  readonly forwardLabel: string;
}) {
  return (
    <nav className="row" aria-label="Pages">
      <Button size="small" disabled={pages.pagesBefore === 0} onClick={pages.back}>
        {backLabel}
      </Button>
      <Button
        size="small"
        disabled={nextCursor === null}
        onClick={() => {
          if (nextCursor !== null) pages.forward(nextCursor);
        }}
      >
        {forwardLabel}
      </Button>
    </nav>
  );
}
