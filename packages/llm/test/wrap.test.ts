import t from 'tap';
import { wrapMethod } from '../src/wrap.js';

t.test('a wrapped SDK method does not hand out the unwrapped original', async (t) => {
  class Client {
    create(x: number) {
      return `sent ${x}`;
    }
  }
  const original = Client.prototype.create;
  t.ok(wrapMethod(Client.prototype, 'create', (orig) => function (this: unknown, x: number) { return `guarded ${orig.call(this, x)}`; }));
  const wrapped = Client.prototype.create as unknown as Record<PropertyKey, unknown>;
  for (const key of Reflect.ownKeys(wrapped)) t.not(wrapped[key], original, `property ${String(key)} is not the original`);
  t.not(wrapped[Symbol.for('palisade.original')], original);
  t.equal(new Client().create(1), 'guarded sent 1');
  t.notOk(wrapMethod(Client.prototype, 'create', (orig) => orig), 'a second install leaves it alone');
  t.equal(new Client().create(2), 'guarded sent 2');
});
