import t from 'tap';
import { constants } from 'node:fs';
import { capabilitiesForFlags, flagOption } from '../src/sensors/fs/flags.js';

t.test('open flags map to read, write or both', async (t) => {
  t.same(capabilitiesForFlags('r'), ['fs.read']);
  t.same(capabilitiesForFlags('rs'), ['fs.read']);
  t.same(capabilitiesForFlags('r+'), ['fs.read', 'fs.write']);
  t.same(capabilitiesForFlags('w'), ['fs.write']);
  t.same(capabilitiesForFlags('wx'), ['fs.write']);
  t.same(capabilitiesForFlags('a'), ['fs.write']);
  t.same(capabilitiesForFlags('a+'), ['fs.read', 'fs.write']);
  t.same(capabilitiesForFlags(undefined), ['fs.read'], 'default is a read');
});

t.test('numeric flags: O_TRUNC, O_CREAT and O_APPEND write even with O_RDONLY', async (t) => {
  const { O_RDONLY, O_WRONLY, O_RDWR, O_TRUNC, O_CREAT, O_APPEND } = constants;
  t.same(capabilitiesForFlags(O_RDONLY), ['fs.read']);
  t.same(capabilitiesForFlags(O_WRONLY), ['fs.write']);
  t.same(capabilitiesForFlags(O_RDWR), ['fs.read', 'fs.write']);
  t.same(capabilitiesForFlags(O_RDONLY | O_TRUNC), ['fs.read', 'fs.write']);
  t.same(capabilitiesForFlags(O_RDONLY | O_CREAT), ['fs.read', 'fs.write']);
  t.same(capabilitiesForFlags(O_RDONLY | O_APPEND), ['fs.read', 'fs.write']);
});

t.test('readFile with a writing flag is a write', async (t) => {
  t.same(flagOption({ flag: 'w' }, ['fs.read']), ['fs.write']);
  t.same(flagOption({ flag: 'r' }, ['fs.read']), ['fs.read']);
  t.same(flagOption('utf8', ['fs.read']), ['fs.read']);
  t.same(flagOption(undefined, ['fs.write']), ['fs.write']);
});
