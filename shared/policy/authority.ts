// Who may write a field: the policy's writer checked against the caller's role.
import type { FieldPolicy, Role, Writer } from './field.ts';

/** Whether a client acting with `role` on its own document may change a field written by `writer`. */
export function roleMayWrite(writer: Writer, role: Role): boolean {
  switch (writer) {
    case 'owner':
      return true;
    case 'admin':
      return role === 'admin';
    case 'server':
      return false;
  }
}

export function clientMayWrite(policy: FieldPolicy, role: Role): boolean {
  return policy.replicated && policy.merge !== 'server' && roleMayWrite(policy.writer, role);
}
