import { test } from 'node:test';
import assert from 'node:assert/strict';
import { baseImages, copiesMeta, escapeCharacter, withLabelInstruction } from './dockerfile.js';

test('the COPY/ADD of meta to /meta is found', () => {
  const yes = [
    'COPY meta /meta',
    'COPY ./meta /meta',
    'ADD ./meta /meta',
    'FROM x\ncopy meta/ /meta/\n',
    '  COPY --chown=0:0 --chmod=755 meta /meta',
    'COPY ["meta", "/meta"]',
    'COPY meta \\\n  /meta',
    'COPY --from=build /src/meta /meta',
    'COPY meta /meta\r\n',
  ];
  const no = [
    '# COPY meta /meta',
    'COPY meta /metadata',
    'RUN echo COPY meta /meta',
    'COPY meta /opt/meta',
    'COPY meta',
    'FROM scratch',
    'COPY meta /meta/x',
  ];
  for (const d of yes) assert.equal(copiesMeta(d), true, d);
  for (const d of no) assert.equal(copiesMeta(d), false, d);
});

test('labels become one LABEL line, quoted and escaped; line breaks are left to the build API', () => {
  const out = withLabelInstruction('FROM x\nCMD ["a"]', { b: 'say "hi" $HOME \\n', a: '1', desc: 'two\nlines' });
  assert.equal(out.dockerfile, 'FROM x\nCMD ["a"]\nLABEL "a"="1" "b"="say \\"hi\\" \\$HOME \\\\n"\n');
  assert.deepEqual(out.rest, { desc: 'two\nlines' });
  const windows = withLabelInstruction('# escape=`\nFROM x\n', { k: 'C:\\dir `q` "x"' });
  assert.equal(windows.dockerfile, '# escape=`\nFROM x\nLABEL "k"="C:\\dir ``q`` `"x`""\n');
  assert.equal(escapeCharacter('FROM x\n# escape=`\n'), '\\', 'a directive after an instruction is a comment');
  assert.deepEqual(withLabelInstruction('FROM x\n', {}), { dockerfile: 'FROM x\n', rest: {} });
});

test('the base images: ARG defaults and build args expanded, stages and scratch left out', () => {
  assert.deepEqual(
    baseImages(
      'ARG BASE=debian:12\nFROM ${BASE} AS build\nFROM build\nFROM scratch\nFROM --platform=linux/amd64 busybox:1\n',
    ),
    ['debian:12', 'busybox:1'],
  );
  assert.deepEqual(baseImages('ARG BASE=a:1\nFROM $BASE\n', { BASE: 'b:2' }), ['b:2']);
  assert.deepEqual(baseImages('FROM ${UNSET}\n'), []);
});
