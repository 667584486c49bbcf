// The footer of an editable card: what happened to the last save, and the save / undo buttons.
import type { SaveState } from './doc-form.ts';
import { Button } from '../../ui/button.tsx';

export function SaveBar({
  state,
  dirty,
  submitting,
  onReset,
  label = 'Save',
}: {
  readonly state: SaveState;
  readonly dirty: boolean;
  readonly submitting: boolean;
  readonly onReset: () => void;
  readonly label?: string;
}) {
  return (
    <>
      <span className="save-status" role="status">
        {state.kind === 'failed' ? (
          <span className="text-danger">{state.message}</span>
        ) : dirty ? (
          <span className="muted">Unsaved changes</span>
        ) : state.kind === 'saved' ? (
          <span className="muted">Saved on this device</span>
        ) : null}
      </span>
      <Button variant="ghost" onClick={onReset} disabled={!dirty || submitting}>
        Undo changes
      </Button>
      <Button type="submit" variant="primary" busy={submitting} disabled={!dirty}>
        {label}
      </Button>
    </>
  );
}
