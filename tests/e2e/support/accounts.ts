// Accounts for the suite, created over the HTTP API (register, then the emailed code), so tests
// that are not about sign-up start from a verified account.
import { authRoutes } from '#shared/contract/auth';
import { codeOf, waitForMail, type E2eServer } from './sync-server.ts';

export interface E2eUser {
  readonly email: string;
  readonly password: string;
  readonly displayName: string;
}

let counter = 0;

export function newUser(displayName: string): E2eUser {
  counter += 1;
  const slug = displayName.toLowerCase().replace(/[^a-z]+/g, '-');
  return {
    email: `${slug}-${Date.now().toString(36)}${counter}@example.test`,
    password: `correct horse battery ${slug} staple`,
    displayName,
  };
}

async function post(server: E2eServer, path: string, body: unknown): Promise<unknown> {
  const response = await fetch(`${server.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`${path} answered ${response.status}: ${await response.text()}`);
  return response.json();
}

export async function createAccount(server: E2eServer, displayName: string): Promise<E2eUser> {
  const user = newUser(displayName);
  await post(server, authRoutes.register.path, user);
  const code = codeOf(await waitForMail(server, user.email, 'verify-email'));
  await post(server, authRoutes.verifyEmail.path, { email: user.email, code, deviceName: 'e2e setup' });
  return user;
}
