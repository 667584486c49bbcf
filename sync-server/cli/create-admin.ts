// `create-admin EMAIL`: the first administrator (and any later one) comes from the command line.
// An existing account is promoted; otherwise a verified administrator account is created with a
// password read from standard input or generated and printed once.
import { randomBytes } from 'node:crypto';
import { profileFields } from '#shared/entities/profile';
import { auditRecord } from '../accounts/audit.ts';
import { nowIso, type AccountDeps } from '../accounts/context.ts';
import { passwordProblem } from '../accounts/password-policy.ts';
import { recordAdminAction } from '../admin/audit.ts';
import { changeRole, type Actor } from '../admin/users.ts';
import { newAccountRecord } from '../import/new-account.ts';

export interface CreateAdminInput {
  readonly email: string;
  readonly name: string | undefined;
  readonly passwordFromStdin: boolean;
  readonly reason: string;
}

const MAX_STDIN_BYTES = 4096;

async function readPassword(): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of process.stdin) {
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
    size += buffer.length;
    if (size > MAX_STDIN_BYTES) throw new Error('the password on standard input is too long');
    chunks.push(buffer);
  }
  // One trailing line break is how `echo` and files end; it is not part of the password.
  return Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
}

/** 144 random bits in 24 URL-safe characters: long, and never on any blocklist. */
function generatedPassword(): string {
  return randomBytes(18).toString('base64url');
}

export async function createAdmin(deps: AccountDeps, input: CreateAdminInput): Promise<number> {
  const actor: Actor = { actorId: null, via: 'cli' };
  const existing = await deps.store.findUserByEmail(input.email);
  if (existing !== undefined) {
    if (existing.role === 'admin') {
      console.log(`${existing.email} is an administrator already (user id ${existing.id}).`);
      return 0;
    }
    await changeRole(deps, actor, existing.id, 'admin', input.reason);
    console.log(`Promoted ${existing.email} to administrator (user id ${existing.id}).`);
    if (!existing.emailVerified)
      console.log('Note: the email address is not verified yet; sign-in needs that first.');
    if (existing.status !== 'active') console.log(`Note: the account is ${existing.status}.`);
    return 0;
  }

  const name = profileFields.displayName.schema.safeParse(input.name ?? '');
  if (!name.success) throw new Error(`--name: ${name.error.issues[0]?.message ?? 'invalid'}`);
  const password = input.passwordFromStdin ? await readPassword() : generatedPassword();
  const problem = passwordProblem(password, input.email);
  if (problem !== undefined) throw new Error(`password: ${problem}`);

  const record = newAccountRecord(
    deps.clock,
    {
      email: input.email,
      passwordHash: await deps.passwords.hash(password),
      role: 'admin',
      emailVerified: true,
      createdAt: nowIso(deps),
      profile: { displayName: name.data },
    },
    (userId) => [
      auditRecord(deps, {
        type: 'registered',
        userId,
        actorId: null,
        detail: 'created as an administrator on the command line',
      }),
    ],
  );
  await deps.store.admin.createAccounts([record]);
  await recordAdminAction(deps, {
    action: 'create_admin',
    actorId: null,
    targetUserId: record.user.id,
    reason: input.reason,
    via: 'cli',
  });
  console.log(`Created administrator ${record.user.email} (user id ${record.user.id}).`);
  if (!input.passwordFromStdin) {
    console.log(`Password (shown only now; store it in a password manager): ${password}`);
  }
  return 0;
}
