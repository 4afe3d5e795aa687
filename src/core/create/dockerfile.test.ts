import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copiesMeta } from './dockerfile.js';

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
  const no = ['# COPY meta /meta', 'COPY meta /metadata', 'RUN echo COPY meta /meta', 'COPY meta /opt/meta', 'COPY meta', 'FROM scratch', 'COPY meta /meta/x'];
  for (const d of yes) assert.equal(copiesMeta(d), true, d);
  for (const d of no) assert.equal(copiesMeta(d), false, d);
});
