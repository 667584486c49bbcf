// @vitest-environment happy-dom
// Paging an admin list by keyset cursors: forward follows the server's next cursor, back returns
// to exactly the page seen before, and a new filter starts from the first page again.
import { afterEach, describe, expect, it } from 'vitest';
import { cleanup, render, screen } from '@testing-library/react';
import { userEvent } from '@testing-library/user-event';
import { PageButtons, useCursorPages } from '../../renderer/features/admin/cursor-pages.tsx';

afterEach(() => {
  cleanup();
});

/** A list of three pages: the page after cursor `c<n>` is `c<n+1>`; the last one has no next. */
function ThreePages() {
  const pages = useCursorPages();
  const page = pages.cursor === undefined ? 0 : Number(pages.cursor.slice(1));
  const nextCursor = page < 2 ? `c${page + 1}` : null;
  return (
    <div>
      <p data-testid="shown">{`page ${page}, ${pages.pagesBefore} before`}</p>
      <button type="button" onClick={pages.reset}>
        New filter
      </button>
      <PageButtons pages={pages} nextCursor={nextCursor} backLabel="Previous page" forwardLabel="Next page" />
    </div>
  );
}

describe('cursor pages', () => {
  it('goes forward by the next cursor, back to the page before, and resets to the first', async () => {
    const user = userEvent.setup();
    render(<ThreePages />);
    const shown = () => screen.getByTestId('shown').textContent;
    const back = screen.getByRole('button', { name: 'Previous page' });
    const forward = screen.getByRole('button', { name: 'Next page' });
    expect(shown()).toBe('page 0, 0 before');
    expect(back).toHaveProperty('disabled', true);

    await user.click(forward);
    await user.click(forward);
    expect(shown()).toBe('page 2, 2 before');
    expect(forward).toHaveProperty('disabled', true);

    await user.click(back);
    expect(shown()).toBe('page 1, 1 before');
    expect(back).toHaveProperty('disabled', false);

    await user.click(screen.getByRole('button', { name: 'New filter' }));
    expect(shown()).toBe('page 0, 0 before');
    expect(back).toHaveProperty('disabled', true);
  });
});
