import { test } from 'node:test';
import assert from 'node:assert/strict';
import { addServer, formatServers, parseServers, validateServers } from './servers.js';

test('DAM_APP_SERVERS normalised as DAM 1.x does', () => {
  const cases: [string, string, string][] = [
    // label, server added, result
    ['test,,test3', 'test', 'test,test3,'],
    ['test,,test3,test3', 'test3', 'test,test3,'],
    ['', '', ','],
    ['test,test2,test3', 'test1', 'test,test1,test2,test3'],
    ['', 'localhost:5000', 'localhost:5000'],
    ['localhost:5000,', '', 'localhost:5000,'],
    ['b,a', 'a', 'a,b'],
    [',', 'x', 'x,'],
  ];
  for (const [label, server, want] of cases)
    assert.equal(formatServers(addServer(parseServers(label), server)), want, `${label} + ${server}`);
});

test('parse alone keeps the set sorted and the official flag', () => {
  assert.deepEqual(parseServers('z,,a,z'), { official: true, servers: ['a', 'z'] });
  assert.deepEqual(parseServers(''), { official: false, servers: [] });
});

test('servers with spaces, semicolons or over 120 characters are refused', () => {
  for (const bad of ['a b', 'a;b', 'x'.repeat(121), 'tab\there']) {
    assert.throws(
      () => validateServers(parseServers(bad), 'ENVIRONMENT'),
      (e: Error) => e.message.includes('ENVIRONMENT'),
      bad,
    );
  }
  assert.doesNotThrow(() => validateServers(parseServers('x'.repeat(120) + ',registry.corp:5000,'), 'x'));
});
