// Scale-out on PostgreSQL: two server processes share one database; LISTEN/NOTIFY carries changes across.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, requirePostgres } from '../helpers/postgres.ts';
import { startTestServer, type TestServer } from '../helpers/server.ts';
import { eventually, openDevice, type Device } from '../helpers/device.ts';

const runs = await requirePostgres();

describe.runIf(runs)('two servers on one PostgreSQL database', () => {
  let database: Awaited<ReturnType<typeof createTestDatabase>>;
  let first: TestServer;
  let second: TestServer;
  const devices: Device[] = [];

  beforeAll(async () => {
    database = await createTestDatabase();
    first = await startTestServer({ databaseUrl: database.url });
    second = await startTestServer({ databaseUrl: database.url });
  });
  afterAll(async () => {
    for (const device of devices) await device.close();
    await first.stop();
    await second.stop();
    await database.drop();
  });

  it('a change accepted by one server reaches a stream subscriber of the other', async () => {
    const user = await first.createUser('dana');
    const viewer = await first.createUser('eve');
    const writer = await openDevice(first, user, 'onFirst');
    const reader = await openDevice(second, user, 'onSecond');
    const directoryReader = await openDevice(second, viewer, 'viewerOnSecond');
    devices.push(writer, reader, directoryReader);

    await writer.edit('profiles', { headline: 'Written through the first server' });
    await eventually(async () => {
      expect(await reader.doc('profiles', user.userId)).toMatchObject({
        headline: 'Written through the first server',
      });
      expect(await directoryReader.doc('directory', user.userId)).toMatchObject({
        headline: 'Written through the first server',
      });
    });
  });
});
