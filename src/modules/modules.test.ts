// The module list: each module's `after` is honoured by the order of MODULES, and a wrong order is
// refused when the list loads rather than by a subscriber hearing an outcome too early.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkModuleOrder, MODULES, type Module } from './index.ts';

describe('MODULES', () => {
  it('lists every module once, each after the modules it names in `after`', () => {
    const names = MODULES.map((m) => m.name);
    assert.equal(new Set(names).size, names.length);
    checkModuleOrder(MODULES);
    const ops = MODULES.find((m) => m.name === 'ops')!;
    assert.deepEqual(ops.after, ['purchases']);
    assert.ok(names.indexOf('purchases') < names.indexOf('ops'));
  });

  it('refuses a module listed before one it must follow, or one naming a module that does not exist', () => {
    const acts: Module = { name: 'acts' };
    const counts: Module = { name: 'counts', after: ['acts'] };
    checkModuleOrder([acts, counts]);
    assert.throws(() => checkModuleOrder([counts, acts]), /module counts must be listed after acts/);
    assert.throws(
      () => checkModuleOrder([{ name: 'lonely', after: ['nobody'] }]),
      /module lonely runs after nobody, which is not a module/,
    );
  });
});
