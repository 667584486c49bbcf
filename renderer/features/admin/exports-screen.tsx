// Bulk exports: choose a format and which users, give the reason the audit log keeps, pick the
// file, and watch the rows arrive. A cut connection can be resumed after the last row received.
import { useForm } from 'react-hook-form';
import { zodResolver } from '@hookform/resolvers/zod';
import type { z } from 'zod';
import { AdminReason, ExportFormat, exportFormats } from '#shared/contract/admin';
import { Button } from '../../ui/button.tsx';
import { Card } from '../../ui/card.tsx';
import { Banner } from '../../ui/feedback.tsx';
import { SelectField, TextAreaField, TextField } from '../../ui/field.tsx';
import { FilterValues, roleOptions, statusOptions, toUserFilter } from './users-screen.tsx';
import { useBulkExport, type ExportRun } from './use-bulk-export.ts';

export const ExportValues = FilterValues.extend({ format: ExportFormat, reason: AdminReason });
type ExportValues = z.infer<typeof ExportValues>;

const formatLabels: Record<ExportFormat, string> = {
  ndjson: 'NDJSON (one JSON object per line)',
  csv: 'CSV (spreadsheets)',
  json: 'JSON (one document)',
};

function Progress({
  done,
  total,
  received,
}: {
  readonly done: number;
  readonly total: number;
  readonly received: number;
}) {
  const percent = total === 0 ? 100 : Math.floor((100 * Math.min(done, total)) / total);
  return (
    <div className="stack-sm">
      <label htmlFor="export-progress">
        Exported {done.toLocaleString()} of {total.toLocaleString()} users ({percent}%)
      </label>
      <progress
        id="export-progress"
        className="admin-progress"
        max={Math.max(total, 1)}
        value={total === 0 ? 1 : Math.min(done, total)}
      />
      <span className="admin-muted" data-testid="export-received">
        {received.toLocaleString()} received
      </span>
    </div>
  );
}

function RunStatus({
  run,
  exporter,
}: {
  readonly run: ExportRun;
  readonly exporter: ReturnType<typeof useBulkExport>;
}) {
  switch (run.phase) {
    case 'idle':
    case 'starting':
      return null;
    case 'running':
      return (
        <div className="stack">
          <Progress done={run.done} total={run.total} received={run.received} />
          <div>
            <Button variant="ghost" onClick={() => void exporter.cancel()}>
              Cancel export
            </Button>
          </div>
        </div>
      );
    case 'interrupted':
      return (
        <Banner
          tone="warning"
          live
          title="The export was interrupted"
          actions={
            <div className="row">
              <Button variant="primary" onClick={() => void exporter.resume()}>
                Resume
              </Button>
              <Button onClick={() => void exporter.keepPartial()}>Keep what arrived</Button>
              <Button variant="ghost" onClick={() => void exporter.cancel()}>
                Discard
              </Button>
            </div>
          }
        >
          {run.message} {run.received.toLocaleString()} of {run.total.toLocaleString()} users are in the file;
          resume to fetch the rest.
        </Banner>
      );
    case 'completed':
      return (
        <div className="stack">
          <Progress done={run.total} total={run.total} received={run.received} />
          <Banner tone="success" live>
            Export complete: {run.received.toLocaleString()} {run.received === 1 ? 'user' : 'users'} saved
            {run.path !== null ? ` to ${run.path}` : ''}.
          </Banner>
        </div>
      );
    case 'cancelled':
      return (
        <Banner tone="info" live>
          Export cancelled; the file was not kept.
        </Banner>
      );
    case 'failed':
      return (
        <Banner tone="danger" live>
          {run.message}
        </Banner>
      );
  }
}

export function ExportsScreen() {
  const exporter = useBulkExport();
  const { run } = exporter;
  const busy = run.phase === 'starting' || run.phase === 'running' || run.phase === 'interrupted';
  const form = useForm<ExportValues>({
    resolver: zodResolver(ExportValues),
    defaultValues: { format: 'ndjson', q: '', status: '', role: '', reason: '' },
  });
  const { errors } = form.formState;
  const submit = form.handleSubmit((values) => {
    void exporter.start({ format: values.format, filter: toUserFilter(values), reason: values.reason });
  });
  return (
    <div className="stack-lg">
      <Card
        title="Export users"
        description="Fields are redacted by their export class; what people keep to themselves is never exported. Each export is recorded in the audit log."
      >
        <form className="stack" aria-label="Export users" noValidate onSubmit={(e) => void submit(e)}>
          <SelectField
            label="Format"
            options={exportFormats.map((format) => ({ value: format, label: formatLabels[format] }))}
            {...form.register('format')}
          />
          <div className="admin-filters">
            <TextField label="Email or name contains" error={errors.q?.message} {...form.register('q')} />
            <SelectField label="Status" options={statusOptions} {...form.register('status')} />
            <SelectField label="Role" options={roleOptions} {...form.register('role')} />
          </div>
          <TextAreaField
            label="Reason"
            hint="Kept in the audit log; leave personal details out."
            rows={2}
            error={errors.reason?.message}
            {...form.register('reason')}
          />
          <div>
            <Button
              type="submit"
              variant="primary"
              icon="upload"
              busy={run.phase === 'starting'}
              disabled={busy}
            >
              Choose file and export
            </Button>
          </div>
        </form>
      </Card>
      {run.phase !== 'idle' && run.phase !== 'starting' ? (
        <Card title="Progress">
          <RunStatus run={run} exporter={exporter} />
        </Card>
      ) : null}
    </div>
  );
}
