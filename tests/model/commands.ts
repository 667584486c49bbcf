// The commands of the model-based sync test: edits under every merge rule, privacy changes,
// forbidden and invalid pushes, offline/online, sync now, duplicated, reordered and replayed
// deliveries, server restarts and clock skew. Each runs on the real system and the model alike.
import fc from 'fast-check';
import { expect } from 'vitest';
import { deepEqual } from '#shared/canonical';
import { compareHlc } from '#shared/hlc';
import { putEntry, removeEntry } from '#shared/merge/set';
import type { AnySetEntry } from '#shared/policy/set-entry';
import { pushRow } from '../helpers/owner-api.ts';
import { cloneDocs, collectionOf, plain, projectionFor, sameDoc, type Docs, type Entity } from './model.ts';
import {
  localDocs,
  OWNER_DEVICES,
  reconcile,
  serverDocs,
  serverSeqs,
  settle,
  type Model,
  type World,
} from './world.ts';

// ---------------------------------------------------------------------------------------------
// Edits

export type EditOp =
  | { readonly kind: 'text'; readonly field: 'displayName' | 'bio'; readonly token: number }
  | { readonly kind: 'theme'; readonly value: 'system' | 'light' | 'dark' }
  | { readonly kind: 'link'; readonly action: 'add' | 'remove'; readonly id: string; readonly token: number }
  | { readonly kind: 'contact'; readonly action: 'add' | 'remove'; readonly who: 'viewer' | 'c1' | 'c2' }
  | { readonly kind: 'block'; readonly action: 'add' | 'remove' }
  | {
      readonly kind: 'visibility';
      readonly field: 'bio' | 'links';
      readonly level: 'public' | 'contacts' | 'private';
    }
  | { readonly kind: 'discoverable'; readonly value: boolean }
  | { readonly kind: 'forbidden'; readonly field: 'badge' | 'accessTokens' }
  | {
      readonly kind: 'invalid';
      readonly variant: 'long-name' | 'owner-level' | 'http-link' | 'not-boolean' | 'bad-theme' | 'bad-id';
    };

const token = fc.nat({ max: 9999 });
const linkId = fc.constantFrom<'l1' | 'l2'>('l1', 'l2');
const addOrRemove = fc.constantFrom<'add' | 'remove'>('add', 'remove');

export const arbEditOp: fc.Arbitrary<EditOp> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant('text' as const),
      field: fc.constantFrom('displayName', 'bio'),
      token,
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('theme' as const),
      value: fc.constantFrom('system', 'light', 'dark'),
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({ kind: fc.constant('link' as const), action: addOrRemove, id: linkId, token }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('contact' as const),
      action: addOrRemove,
      who: fc.constantFrom('viewer', 'c1', 'c2'),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('block' as const), action: addOrRemove }) },
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant('visibility' as const),
      field: fc.constantFrom('bio', 'links'),
      level: fc.constantFrom('public', 'contacts', 'private'),
    }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('discoverable' as const), value: fc.boolean() }) },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('forbidden' as const),
      field: fc.constantFrom('badge', 'accessTokens'),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('invalid' as const),
      variant: fc.constantFrom('long-name', 'owner-level', 'http-link', 'not-boolean', 'bad-theme', 'bad-id'),
    }),
  },
);

const levels = ['public', 'contacts', 'private'] as const;

/** Two edits of the same thing with different outcomes: what concurrent devices fight over. */
export const arbConflictingOps: fc.Arbitrary<[EditOp, EditOp]> = fc.oneof(
  fc
    .tuple(fc.constantFrom('displayName' as const, 'bio' as const), token, token)
    .map(([field, a, b]): [EditOp, EditOp] => [
      { kind: 'text', field, token: a },
      { kind: 'text', field, token: b + 10_000 },
    ]),
  fc
    .tuple(
      fc.constantFrom('bio' as const, 'links' as const),
      fc.nat({ max: 2 }),
      fc.integer({ min: 1, max: 2 }),
    )
    .map(([field, a, shift]): [EditOp, EditOp] => [
      { kind: 'visibility', field, level: levels[a] ?? 'public' },
      { kind: 'visibility', field, level: levels[(a + shift) % 3] ?? 'private' },
    ]),
  fc.tuple(linkId, token, fc.boolean()).map(([id, t, removeFirst]): [EditOp, EditOp] => [
    { kind: 'link', action: removeFirst ? 'remove' : 'add', id, token: t },
    { kind: 'link', action: removeFirst ? 'add' : 'remove', id, token: t + 1 },
  ]),
  // The same link added (or replaced) on both sides with different values: the two elements share
  // an id whatever the devices held before, so the per-element clock decides.
  fc.tuple(linkId, token).map(([id, t]): [EditOp, EditOp] => [
    { kind: 'link', action: 'add', id, token: t },
    { kind: 'link', action: 'add', id, token: t + 10_000 },
  ]),
  fc.boolean().map((value): [EditOp, EditOp] => [
    { kind: 'discoverable', value },
    { kind: 'discoverable', value: !value },
  ]),
  fc
    .tuple(fc.constantFrom('viewer' as const, 'c1' as const), fc.boolean())
    .map(([who, addFirst]): [EditOp, EditOp] => [
      { kind: 'contact', action: addFirst ? 'add' : 'remove', who },
      { kind: 'contact', action: addFirst ? 'remove' : 'add', who },
    ]),
);

function describeOp(op: EditOp): string {
  const { kind, ...rest } = op;
  return `${kind}${JSON.stringify(rest)}`;
}

function elements(doc: Record<string, unknown>, field: string): AnySetEntry[] {
  const value = doc[field];
  return Array.isArray(value) ? (value as AnySetEntry[]) : [];
}

function visibilityOf(docs: Docs): Record<string, unknown> {
  const value = docs.settings.visibility;
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};
}

/** The local edit an op makes on the device's current documents (set elements stamped by the device). */
function patchFor(
  op: EditOp,
  docs: Docs,
  stamp: () => string,
  viewerId: string,
): { entity: Entity; patch: Record<string, unknown> } {
  const put = (field: string, entry: Omit<AnySetEntry, 'at'>) =>
    putEntry(elements(docs.profile, field), { ...entry, at: stamp() });
  const remove = (field: string, id: string) => removeEntry(elements(docs.profile, field), id, stamp());
  switch (op.kind) {
    case 'text':
      return { entity: 'profile', patch: { [op.field]: `${op.field} ${op.token}` } };
    case 'theme':
      return { entity: 'settings', patch: { theme: op.value } };
    case 'link': {
      const value = { label: `Link ${op.token}`, url: `https://example.com/${op.token}` };
      return {
        entity: 'profile',
        patch: {
          links:
            op.action === 'add' ? put('links', { id: op.id, removed: false, value }) : remove('links', op.id),
        },
      };
    }
    case 'contact': {
      const id = op.who === 'viewer' ? viewerId : op.who;
      return {
        entity: 'profile',
        patch: {
          contacts: op.action === 'add' ? put('contacts', { id, removed: false }) : remove('contacts', id),
        },
      };
    }
    case 'block':
      return {
        entity: 'profile',
        patch: {
          blocked:
            op.action === 'add'
              ? put('blocked', { id: viewerId, removed: false })
              : remove('blocked', viewerId),
        },
      };
    case 'visibility':
      return { entity: 'settings', patch: { visibility: { ...visibilityOf(docs), [op.field]: op.level } } };
    case 'discoverable':
      return { entity: 'settings', patch: { discoverable: op.value } };
    case 'forbidden':
      return op.field === 'badge'
        ? { entity: 'profile', patch: { badge: 'verified' } }
        : {
            entity: 'settings',
            patch: {
              accessTokens: [
                {
                  id: 'forged',
                  name: 'forged token',
                  scopes: ['profile:read'],
                  createdAt: '2024-01-01T00:00:00.000Z',
                  lastUsedAt: null,
                },
              ],
            },
          };
    case 'invalid':
      switch (op.variant) {
        case 'long-name':
          return { entity: 'profile', patch: { displayName: 'x'.repeat(81) } };
        case 'owner-level':
          return { entity: 'settings', patch: { visibility: { ...visibilityOf(docs), bio: 'owner' } } };
        case 'http-link':
          return {
            entity: 'profile',
            patch: {
              links: put('links', {
                id: 'insecure',
                removed: false,
                value: { label: 'x', url: 'http://insecure.example' },
              }),
            },
          };
        case 'not-boolean':
          return { entity: 'settings', patch: { discoverable: 'no' } };
        case 'bad-theme':
          return { entity: 'settings', patch: { theme: 'neon' } };
        case 'bad-id':
          return {
            entity: 'profile',
            patch: { contacts: put('contacts', { id: 'not an id!', removed: false }) },
          };
      }
  }
}

/**
 * Makes the edit on the device and records it in the model's view of the device. Returns whether
 * the edit changed anything (an edit to the value already there stamps and pushes nothing).
 */
async function editOn(world: World, model: Model, index: number, op: EditOp): Promise<boolean> {
  const handle = world.devices[index];
  const state = model.devices[index];
  if (handle === undefined || state === undefined) throw new Error(`no device ${index}`);
  const before = await localDocs(handle.device, model.ownerId);
  if (before === undefined) throw new Error(`d${index} lost its documents`);
  for (const entity of ['profile', 'settings'] as const) {
    expect(
      sameDoc(before[entity], state.fork[entity]),
      `I1: d${index} ${entity} is not what the model says`,
    ).toBe(true);
  }
  const { entity, patch } = patchFor(op, before, () => handle.device.clock.now(), model.viewerId);
  const changed = Object.entries(patch).some(([field, value]) => !deepEqual(before[entity][field], value));
  if (!changed) return false;
  await handle.device.edit(collectionOf[entity], patch);
  const after = await localDocs(handle.device, model.ownerId);
  if (after === undefined) throw new Error(`d${index} lost its documents`);
  for (const [field, value] of Object.entries(patch)) {
    expect(after[entity][field], `d${index} did not keep its edit of ${field}`).toEqual(value);
  }
  state.fork[entity] = after[entity];
  return true;
}

/** An edit on an online device: it pushes at once on top of the master it has. */
async function onlineEdit(world: World, model: Model, index: number, op: EditOp): Promise<boolean> {
  const state = model.devices[index];
  if (state === undefined) throw new Error(`no device ${index}`);
  state.base = cloneDocs(model.server);
  const changed = await editOn(world, model, index, op);
  reconcile(model, index);
  return changed;
}

type Command = fc.AsyncCommand<Model, World>;

/** Per command kind: how often it ran and how long it took in all (printed after the runs). */
export const commandStats = new Map<string, { count: number; ms: number }>();

function timed(kind: string, command: Command): Command {
  const run = command.run.bind(command);
  command.run = async (model, world) => {
    const started = performance.now();
    try {
      await run(model, world);
    } finally {
      const entry = commandStats.get(kind) ?? { count: 0, ms: 0 };
      entry.count += 1;
      entry.ms += performance.now() - started;
      commandStats.set(kind, entry);
    }
  };
  return command;
}

const isOnline = (model: Readonly<Model>, index: number) => model.devices[index]?.online === true;

class Edit implements Command {
  constructor(
    readonly device: number,
    readonly op: EditOp,
  ) {}
  check = () => true;
  async run(model: Model, world: World): Promise<void> {
    if (isOnline(model, this.device)) {
      await onlineEdit(world, model, this.device, this.op);
      await settle(world, model);
    } else {
      await editOn(world, model, this.device, this.op);
    }
  }
  toString = () => `edit(d${this.device}, ${describeOp(this.op)})`;
}

class GoOffline implements Command {
  constructor(readonly device: number) {}
  check = (model: Readonly<Model>) => isOnline(model, this.device);
  run(model: Model, world: World): Promise<void> {
    const state = model.devices[this.device];
    if (state === undefined) throw new Error('no device');
    world.devices[this.device]?.device.setOnline(false);
    state.online = false;
    state.base = cloneDocs(model.server);
    return Promise.resolve();
  }
  toString = () => `offline(d${this.device})`;
}

class GoOnline implements Command {
  constructor(readonly device: number) {}
  check = (model: Readonly<Model>) => !isOnline(model, this.device);
  async run(model: Model, world: World): Promise<void> {
    await goOnline(model, world, this.device);
  }
  toString = () => `online(d${this.device})`;
}

export async function goOnline(model: Model, world: World, index: number): Promise<void> {
  const state = model.devices[index];
  if (state === undefined) throw new Error('no device');
  world.devices[index]?.device.setOnline(true);
  state.online = true;
  reconcile(model, index);
  await settle(world, model);
}

class SyncNow implements Command {
  constructor(readonly device: number) {}
  check = (model: Readonly<Model>) => isOnline(model, this.device);
  async run(model: Model, world: World): Promise<void> {
    await world.devices[this.device]?.device.sync();
    await settle(world, model);
  }
  toString = () => `syncNow(d${this.device})`;
}

class ViewerOnline implements Command {
  constructor(readonly online: boolean) {}
  check = (model: Readonly<Model>) => model.viewerOnline !== this.online;
  async run(model: Model, world: World): Promise<void> {
    world.viewerDevice.setOnline(this.online);
    model.viewerOnline = this.online;
    if (this.online) await settle(world, model);
  }
  toString = () => `viewer${this.online ? 'Online' : 'Offline'}()`;
}

/** The next push is delivered twice (a retry after a lost answer); the device sees either answer. */
class DuplicatedEdit implements Command {
  constructor(
    readonly device: number,
    readonly op: EditOp,
    readonly answer: 'first' | 'second',
  ) {}
  check = (model: Readonly<Model>) => isOnline(model, this.device);
  async run(model: Model, world: World): Promise<void> {
    const control = world.devices[this.device]?.control;
    control?.duplicateNext('push', this.answer);
    const changed = await onlineEdit(world, model, this.device, this.op);
    if (!changed) control?.disarmDuplicate('push');
    const state = model.devices[this.device];
    if (state !== undefined && this.answer === 'second') state.lenient = true;
    await settle(world, model);
  }
  toString = () => `duplicated(d${this.device}, ${describeOp(this.op)}, answer=${this.answer})`;
}

/** The next pull is delivered twice and the device gets the second answer. */
class DuplicatedPull implements Command {
  constructor(readonly device: number) {}
  check = () => true;
  run(_model: Model, world: World): Promise<void> {
    world.devices[this.device]?.control.duplicateNext('pull', 'second');
    return Promise.resolve();
  }
  toString = () => `duplicatedPull(d${this.device})`;
}

/** The first device's push is held on the wire until the second device's push was applied. */
class Reordered implements Command {
  constructor(
    readonly first: number,
    readonly firstOp: EditOp,
    readonly second: number,
    readonly secondOp: EditOp,
  ) {}
  check = (model: Readonly<Model>) =>
    this.first !== this.second && isOnline(model, this.first) && isOnline(model, this.second);
  async run(model: Model, world: World): Promise<void> {
    const control = world.devices[this.first]?.control;
    const firstState = model.devices[this.first];
    if (control === undefined || firstState === undefined) throw new Error('no device');
    const hold = control.holdNextPush();
    firstState.base = cloneDocs(model.server);
    const changed = await editOn(world, model, this.first, this.firstOp);
    if (changed) {
      await Promise.race([
        hold.captured,
        new Promise((_, reject) =>
          setTimeout(() => {
            reject(new Error(`d${this.first} did not push its edit`));
          }, 5000),
        ),
      ]);
    } else {
      hold.release();
    }
    // The held device stays out of the settle (it has changes the server has not taken).
    await onlineEdit(world, model, this.second, this.secondOp);
    await settle(world, model);
    hold.release();
    reconcile(model, this.first);
    await settle(world, model);
  }
  toString = () =>
    `reordered(d${this.first} ${describeOp(this.firstOp)} overtaken by d${this.second} ${describeOp(this.secondOp)})`;
}

/**
 * Two devices edit the same thing while offline, then come back one after the other: the second
 * one's edit meets the first one's on the server and their merge decides.
 */
class OfflineConflict implements Command {
  constructor(
    readonly first: number,
    readonly firstOp: EditOp,
    readonly second: number,
    readonly secondOp: EditOp,
  ) {}
  check = () => this.first !== this.second;
  async run(model: Model, world: World): Promise<void> {
    for (const index of [this.first, this.second]) {
      if (isOnline(model, index)) await new GoOffline(index).run(model, world);
    }
    await editOn(world, model, this.second, this.secondOp);
    await editOn(world, model, this.first, this.firstOp);
    await goOnline(model, world, this.first);
    await goOnline(model, world, this.second);
  }
  toString = () =>
    `offlineConflict(d${this.first} ${describeOp(this.firstOp)} then d${this.second} ${describeOp(this.secondOp)})`;
}

// ---------------------------------------------------------------------------------------------
// Races on one set element

type RaceTarget =
  | { readonly field: 'links'; readonly id: 'l1' | 'l2' }
  | { readonly field: 'contacts'; readonly who: 'viewer' | 'c1' }
  | { readonly field: 'blocked' };

/** What a device does in a race: add (or replace) the element, remove it, or edit something else. */
type RaceMove = 'add' | 'remove' | 'other';

export interface RacePlan {
  readonly target: RaceTarget;
  /** Make the element live on the server and on both devices first, so a removal removes something. */
  readonly seed: boolean;
  /** `a` edits offline; `b` edits the master (online) or offline too. */
  readonly a: number;
  readonly b: number;
  readonly moveA: RaceMove;
  readonly moveB: RaceMove;
  readonly bOnline: boolean;
  /** Which device edits first (the other one's stamp is usually the later one; skew may turn it). */
  readonly aEditsFirst: boolean;
  /** Which device comes back first when both were offline. */
  readonly aReconnectsFirst: boolean;
  readonly tokens: readonly [number, number];
}

function raceOp(target: RaceTarget, move: RaceMove, tokenValue: number): EditOp {
  if (move === 'other') return { kind: 'text', field: 'bio', token: tokenValue };
  switch (target.field) {
    case 'links':
      return { kind: 'link', action: move, id: target.id, token: tokenValue };
    case 'contacts':
      return { kind: 'contact', action: move, who: target.who };
    case 'blocked':
      return { kind: 'block', action: move };
  }
}

function raceElementId(target: RaceTarget, viewerId: string): string {
  switch (target.field) {
    case 'links':
      return target.id;
    case 'contacts':
      return target.who === 'viewer' ? viewerId : target.who;
    case 'blocked':
      return viewerId;
  }
}

function elementOf(docs: Docs, field: string, id: string): AnySetEntry | undefined {
  return elements(docs.profile, field).find((element) => element.id === id);
}

/** The later change of one element (a removal wins a tie, as DESIGN.md's set rule says). */
function laterChange(candidates: readonly (AnySetEntry | undefined)[]): AnySetEntry | undefined {
  let latest: AnySetEntry | undefined;
  for (const entry of candidates) {
    if (entry === undefined) continue;
    const order = latest === undefined ? 1 : compareHlc(entry.at, latest.at);
    if (order > 0 || (order === 0 && entry.removed && latest?.removed === false)) latest = entry;
  }
  return latest;
}

/**
 * Two devices change the same element of a set (or one changes it and the other something else in
 * the same document) while at least one is offline; then both come back. Every combination the
 * set rule must get right: the same element edited on two offline devices, an offline removal
 * against the master's older live element, a removal against a re-add, and the reverse of each.
 * The model predicts the documents as after every command; on top, the element must end as its
 * later change by clock, read from the devices' own stamps (unless the server refused the field).
 */
class ElementRace implements Command {
  constructor(readonly plan: RacePlan) {}
  check = () => this.plan.a !== this.plan.b;
  async run(model: Model, world: World): Promise<void> {
    const { target, a, b, moveA, moveB, bOnline, tokens } = this.plan;
    const field = target.field;
    const id = raceElementId(target, model.viewerId);
    if (this.plan.seed) {
      for (const index of [a, b]) if (!isOnline(model, index)) await goOnline(model, world, index);
      if (elementOf(model.server, field, id)?.removed !== false) {
        await onlineEdit(world, model, a, raceOp(target, 'add', 20_000 + tokens[0]));
        await settle(world, model);
      }
    }
    const rejectionsBefore = world.devices.map((handle) => handle.device.rejections.length);
    const candidates: (AnySetEntry | undefined)[] = [elementOf(model.server, field, id)];
    if (isOnline(model, a)) await new GoOffline(a).run(model, world);
    if (!bOnline && isOnline(model, b)) await new GoOffline(b).run(model, world);

    const editA = async () => {
      await editOn(world, model, a, raceOp(target, moveA, tokens[0]));
      candidates.push(elementOf(model.devices[a]?.fork ?? model.server, field, id));
    };
    const editB = async () => {
      const state = model.devices[b];
      if (state === undefined) throw new Error('no device');
      const online = isOnline(model, b);
      if (online) state.base = cloneDocs(model.server);
      await editOn(world, model, b, raceOp(target, moveB, tokens[1] + 10_000));
      candidates.push(elementOf(state.fork, field, id));
      if (online) {
        reconcile(model, b);
        await settle(world, model);
      }
    };
    if (this.plan.aEditsFirst) {
      await editA();
      await editB();
    } else {
      await editB();
      await editA();
    }
    const back = bOnline || this.plan.aReconnectsFirst ? [a, b] : [b, a];
    for (const index of back) if (!isOnline(model, index)) await goOnline(model, world, index);

    const refused = world.devices.some((handle, index) =>
      handle.device.rejections.slice(rejectionsBefore[index]).some((r) => r.field === field),
    );
    if (refused) return;
    const expected = laterChange(candidates);
    const actual = elementOf(await serverDocs(world), field, id);
    expect(
      actual,
      `set merge: ${field} element ${id} must end as its later change (${JSON.stringify(candidates)})`,
    ).toEqual(expected);
  }
  toString = () => {
    const { target, seed, a, b, moveA, moveB, bOnline, aEditsFirst, aReconnectsFirst, tokens } = this.plan;
    const what =
      target.field === 'links'
        ? `links ${target.id}`
        : target.field === 'contacts'
          ? `contacts ${target.who}`
          : 'blocked';
    return (
      `elementRace(${what}${seed ? ', seeded' : ''}: d${a} ${moveA} offline, d${b} ${moveB} ${bOnline ? 'online' : 'offline'}, ` +
      `${aEditsFirst ? `d${a}` : `d${b}`} edits first${bOnline ? '' : `, d${aReconnectsFirst ? a : b} back first`}, tokens ${tokens.join('/')})`
    );
  };
}

/** A push recorded earlier arrives again, late (I5): the server must change nothing. */
class ReplayStalePush implements Command {
  constructor(readonly pick: number) {}
  check = () => true;
  async run(model: Model, world: World): Promise<void> {
    const exchanges = world.log.exchanges;
    if (exchanges.length === 0) return;
    const exchange = exchanges[this.pick % exchanges.length];
    if (exchange === undefined) return;
    const before = await serverSeqs(world);
    const docsBefore = await serverDocs(world);
    const response = await fetch(exchange.url, {
      method: 'POST',
      headers: { authorization: `Bearer ${world.owner.token}`, 'content-type': 'application/json' },
      body: exchange.body,
    });
    expect(response.status, 'I5: a replayed push is answered normally').toBe(200);
    expect(await serverSeqs(world), 'I5: a replayed push wrote something').toBe(before);
    const docsAfter = await serverDocs(world);
    expect(
      sameDoc(docsAfter.profile, docsBefore.profile) && sameDoc(docsAfter.settings, docsBefore.settings),
    ).toBe(true);
    await settle(world, model);
  }
  toString = () => `replayStalePush(#${this.pick})`;
}

class RestartServer implements Command {
  check = () => true;
  async run(model: Model, world: World): Promise<void> {
    await world.server.restart();
    await settle(world, model);
  }
  toString = () => 'restartServer()';
}

export const skewChoicesMinutes = [-10, -7, -3, 0, 3, 7, 10] as const;

class Skew implements Command {
  constructor(
    readonly device: number,
    readonly minutes: number,
  ) {}
  check = () => true;
  run(_model: Model, world: World): Promise<void> {
    const handle = world.devices[this.device];
    if (handle !== undefined) handle.skewMs = this.minutes * 60_000;
    return Promise.resolve();
  }
  toString = () => `skew(d${this.device}, ${this.minutes} min)`;
}

/** The second user pokes at the first user's data; every answer is scanned for canaries. */
class ViewerProbe implements Command {
  check = () => true;
  async run(model: Model, world: World): Promise<void> {
    await probeAsViewer(world, model);
  }
  toString = () => 'viewerProbe()';
}

export async function probeAsViewer(world: World, model: Model): Promise<void> {
  const api = { baseUrl: world.server.url, token: world.viewer.token, fetch: world.viewerFetch };
  const forged = await pushRow(api, 'profiles', null, { id: model.ownerId, clocks: {}, bio: 'forged' });
  expect(forged.status, 'I4: a push to another user’s document').toBe(403);
  for (const collection of ['profiles', 'settings'] as const) {
    const response = await world.viewerFetch(`${world.server.url}/api/sync/${collection}/pull?limit=50`, {
      headers: { authorization: `Bearer ${world.viewer.token}` },
    });
    const body = (await response.json()) as { documents: { id: string }[] };
    expect(body.documents.map((doc) => doc.id)).toEqual([world.viewer.userId]);
  }
  // The whole directory from scratch, page by page: the owner's entry is their projection.
  let query = 'limit=500';
  let found: Record<string, unknown> | undefined;
  for (;;) {
    const response = await world.viewerFetch(`${world.server.url}/api/sync/directory/pull?${query}`, {
      headers: { authorization: `Bearer ${world.viewer.token}` },
    });
    const page = (await response.json()) as {
      documents: Record<string, unknown>[];
      checkpoint: { seq: number; id: string } | null;
    };
    found = page.documents.find((doc) => doc.id === model.ownerId) ?? found;
    if (page.documents.length < 500 || page.checkpoint === null) break;
    query = `limit=500&seq=${page.checkpoint.seq}&id=${page.checkpoint.id}`;
  }
  const expected = projectionFor(await serverDocs(world), model.viewerId);
  if (expected === undefined) {
    expect(found === undefined || found._deleted === true, 'I3: a blocked viewer sees the owner').toBe(true);
  } else {
    expect(found, 'the viewer misses the owner in the directory').toBeDefined();
    if (found !== undefined)
      expect(sameDoc(plain(found), expected), 'I3: directory entry vs projection').toBe(true);
  }
}

// ---------------------------------------------------------------------------------------------

const device = fc.nat({ max: OWNER_DEVICES - 1 });
/** Two different devices. */
const twoDevices = fc
  .tuple(device, fc.nat({ max: OWNER_DEVICES - 2 }))
  .map(([a, k]): [number, number] => [a, (a + 1 + k) % OWNER_DEVICES]);

const arbRaceTarget: fc.Arbitrary<RaceTarget> = fc.oneof(
  { weight: 3, arbitrary: linkId.map((id): RaceTarget => ({ field: 'links', id })) },
  {
    weight: 2,
    arbitrary: fc
      .constantFrom('viewer' as const, 'c1' as const)
      .map((who): RaceTarget => ({ field: 'contacts', who })),
  },
  { weight: 1, arbitrary: fc.constant<RaceTarget>({ field: 'blocked' }) },
);

/** At least one side touches the element. */
const arbRaceMoves = fc.constantFrom<[RaceMove, RaceMove]>(
  ['remove', 'add'],
  ['add', 'remove'],
  ['add', 'add'],
  ['remove', 'remove'],
  ['remove', 'other'],
  ['other', 'remove'],
  ['add', 'other'],
  ['other', 'add'],
);

export const arbRacePlan: fc.Arbitrary<RacePlan> = fc
  .record({
    target: arbRaceTarget,
    seed: fc.oneof({ weight: 4, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) }),
    devices: twoDevices,
    moves: arbRaceMoves,
    bOnline: fc.boolean(),
    aEditsFirst: fc.boolean(),
    aReconnectsFirst: fc.boolean(),
    tokens: fc.tuple(token, token),
  })
  .map(({ devices: [a, b], moves: [moveA, moveB], ...rest }) => ({ ...rest, a, b, moveA, moveB }));

/** Weighted by repetition (fc.commands picks uniformly among these). */
export const commandArbitraries: fc.Arbitrary<Command>[] = [
  ...Array.from({ length: 4 }, () =>
    fc.tuple(device, arbEditOp).map(([d, op]) => timed(`edit ${op.kind}`, new Edit(d, op))),
  ),
  ...Array.from({ length: 2 }, () => device.map((d) => timed('offline', new GoOffline(d)))),
  ...Array.from({ length: 2 }, () => device.map((d) => timed('online', new GoOnline(d)))),
  fc
    .tuple(device, arbEditOp, device, arbEditOp)
    .map(([a, opA, b, opB]) => timed('reordered pushes', new Reordered(a, opA, b, opB))),
  fc
    .tuple(device, device, arbConflictingOps)
    .map(([a, b, [opA, opB]]) => timed('reordered conflicting pushes', new Reordered(a, opA, b, opB))),
  fc
    .tuple(device, device, arbConflictingOps)
    .map(([a, b, [opA, opB]]) => timed('offline conflict', new OfflineConflict(a, opA, b, opB))),
  arbRacePlan.map((plan) => timed(`element race ${plan.target.field}`, new ElementRace(plan))),
  device.map((d) => timed('syncNow', new SyncNow(d))),
  fc.boolean().map((online) => timed('viewer on/off', new ViewerOnline(online))),
  fc
    .tuple(device, arbEditOp, fc.constantFrom<'first' | 'second'>('first', 'second'))
    .map(([d, op, answer]) => timed('duplicated push', new DuplicatedEdit(d, op, answer))),
  device.map((d) => timed('duplicated pull', new DuplicatedPull(d))),
  fc.nat({ max: 1000 }).map((pick) => timed('replayed push', new ReplayStalePush(pick))),
  fc.constant(null).map(() => timed('restart', new RestartServer())),
  fc
    .tuple(device, fc.constantFrom(...skewChoicesMinutes))
    .map(([d, minutes]) => timed('skew', new Skew(d, minutes))),
  fc.constant(null).map(() => timed('viewer probe', new ViewerProbe())),
];
