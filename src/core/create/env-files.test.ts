import { test } from 'node:test';
import assert from 'node:assert/strict';
import { damEnvironment, mergeVars, parseDockerfileEnv, parseEnvironmentFile } from './env-files.js';

test('ENVIRONMENT file lines as DAM 1.x reads them', () => {
  const cases: [string, Record<string, string>][] = [
    ['TEST1=test1\n', { TEST1: 'test1' }],
    ['TEST2 = test2', { 'TEST2 ': ' test2' }],
    ['# A=1\nB=2', { B: '2' }],
    [' # A=1', { ' # A': '1' }],
    ['NOEQUALS\nC=', { C: '' }],
    ['D=a=b', { D: 'a=b' }],
    ['E=1\nE=2', { E: '2' }],
    ['F="quoted" # not a comment', { F: '"quoted" # not a comment' }],
    ['G=crlf\r\nH=x', { G: 'crlf', H: 'x' }],
    ['__proto__=x', {}],
    ['', {}],
  ];
  for (const [text, want] of cases) assert.deepEqual(parseEnvironmentFile(text), want, JSON.stringify(text));
});

test('Dockerfile ENV lines as DAM 1.x reads them', () => {
  const cases: [string, Record<string, string>][] = [
    ['ENV TEST5=test5', { TEST5: 'test5' }],
    ['ENV TEST6 test6', { TEST6: 'test6' }],
    ['ENV TEST7 test7 test8', { TEST7: 'test7 test8' }],
    ['ENV A=1 B=2', { A: '1 B=2' }],
    ['ENV A b=c', { 'A b': 'c' }],
    ['ENV TEST', {}],
    ['env LOWER=1\n ENV INDENTED=1\nENVX=1', {}],
    ['FROM x\nENV DAM_APP_NAME=web\nRUN true\nENV DAM_APP_NAME=web2', { DAM_APP_NAME: 'web2' }],
    ['ENV ARG=${OTHER}', { ARG: '${OTHER}' }],
  ];
  for (const [text, want] of cases) assert.deepEqual(parseDockerfileEnv(text), want, JSON.stringify(text));
});

test('only DAM_* variables of the process environment, full names kept', () => {
  assert.deepEqual(damEnvironment({ DAM_PWD: '/x', HOME: '/root', DAMX: '1', DAM_APP_NAME: 'a', DAM_U: undefined }), {
    DAM_PWD: '/x',
    DAM_APP_NAME: 'a',
  });
});

test('sources listed first win', () => {
  assert.deepEqual(
    mergeVars(
      { A: 'flag' },
      { A: 'envfile', B: 'envfile' },
      { B: 'dockerfile', C: 'dockerfile' },
      { C: 'os', D: 'os' },
    ),
    {
      A: 'flag',
      B: 'envfile',
      C: 'dockerfile',
      D: 'os',
    },
  );
});
