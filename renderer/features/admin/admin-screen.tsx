// The admin console: users, the audit log and bulk exports, for administrators only. Others who
// open an admin address see why there is nothing here; the server refuses them regardless.
import { missingCase } from '#shared/errors';
import type { AdminSection } from '../../app/routes.ts';
import { EmptyState, Loading } from '../../ui/feedback.tsx';
import { useAccount } from '../own-docs.ts';
import { AdminGateProvider } from './admin-gate.tsx';
import { AuditScreen } from './audit-screen.tsx';
import { ExportsScreen } from './exports-screen.tsx';
import { UserDetail } from './user-detail.tsx';
import { UsersScreen } from './users-screen.tsx';
import './admin.css';

function Section({
  section,
  userId,
}: {
  readonly section: AdminSection;
  readonly userId?: string | undefined;
}) {
  switch (section) {
    case 'users':
      return userId === undefined ? <UsersScreen /> : <UserDetail userId={userId} />;
    case 'audit':
      return <AuditScreen targetUserId={userId} />;
    case 'exports':
      return <ExportsScreen />;
    default:
      return missingCase(section);
  }
}

export function AdminScreen({
  section,
  userId,
}: {
  readonly section: AdminSection;
  readonly userId?: string | undefined;
}) {
  const account = useAccount();
  if (account === undefined) return <Loading />;
  if (account?.role !== 'admin') {
    return (
      <EmptyState icon="lock" title="Administrators only">
        This part of Accord is for administrators of this server.
      </EmptyState>
    );
  }
  return (
    <AdminGateProvider>
      <Section section={section} userId={userId} />
    </AdminGateProvider>
  );
}
