import { test } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync, createPublicKey } from 'node:crypto';
import { isDamError } from '../errors.js';
import { fingerprintOfRaw, parsePublicKeyPem, rawPublicKey, FINGERPRINT } from './fingerprint.js';
import { encodePayload, formatSignatureFile, parseSignatureFile, signPayload, type Payload } from './payload.js';
import {
  addTrustedKey,
  emptyTrust,
  parseTrust,
  recordAccepted,
  recordAcceptedApps,
  removeTrustedKey,
  serializeTrust,
  type TrustPolicy,
} from './trust.js';
import { admit, evaluate, type Verdict } from './verdict.js';

const INDEX = 'a'.repeat(64);
function keyPair() {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const raw = rawPublicKey(publicKey);
  return { privateKey, publicKey, raw, fingerprint: fingerprintOfRaw(raw) };
}
const alice = keyPair();
const mallory = keyPair();

function payload(over: Partial<Payload> = {}): Payload {
  return {
    format: 1,
    subject: { kind: 'bundle', indexSha256: INDEX },
    product: 'plant',
    sequence: 10,
    signer: alice.fingerprint,
    created: '2026-11-25T10:00:00.000Z',
    ...over,
  };
}
function trusting(...keys: Array<{ raw: Buffer; fingerprint: string; name: string }>): TrustPolicy {
  return keys.reduce(
    (p, k) =>
      addTrustedKey(p, { name: k.name, fingerprint: k.fingerprint, publicKey: k.raw.toString('base64'), addedAt: 'x' }),
    emptyTrust(),
  );
}
const sig = (p: Payload, key = alice.privateKey) => ({
  text: formatSignatureFile(signPayload(p, key)),
  source: 'f.sig',
});
const check = (
  policy: TrustPolicy,
  signature?: { text: string; source: string },
  subject: Parameters<typeof evaluate>[0]['subject'] = { kind: 'bundle', indexSha256: INDEX },
  productName?: string,
): Verdict =>
  evaluate({
    policy,
    subject,
    archive: 'f',
    ...(signature ? { signature } : {}),
    ...(productName ? { productName } : {}),
  });
const reason = (v: Verdict) => (v.status === 'refused' ? v.reason : v.status);

test('fingerprints are SHA256:base64 of the raw key, the same from PEM', () => {
  assert.match(alice.fingerprint, FINGERPRINT);
  const pem = alice.publicKey.export({ format: 'pem', type: 'spki' }).toString();
  assert.equal(parsePublicKeyPem(pem, 'a.pub').fingerprint, alice.fingerprint);
  assert.throws(
    () => parsePublicKeyPem('nope', 'x.pub'),
    (e) => isDamError(e, 'USAGE'),
  );
  assert.throws(
    () => parsePublicKeyPem(alice.privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(), 'a.key'),
    /private key/,
  );
  const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 })
    .publicKey.export({ format: 'pem', type: 'spki' })
    .toString();
  assert.throws(() => parsePublicKeyPem(rsa, 'rsa.pub'), /not an Ed25519 key/);
  assert.equal(createPublicKey(pem).asymmetricKeyType, 'ed25519');
});

test('the payload is canonical JSON and round-trips through the .sig file', () => {
  const p = payload();
  assert.equal(
    encodePayload(p),
    '{"created":"2026-11-25T10:00:00.000Z","format":1,"product":"plant","sequence":10,"signer":"' +
      alice.fingerprint +
      '","subject":{"indexSha256":"' +
      INDEX +
      '","kind":"bundle"}}',
  );
  assert.deepEqual(parseSignatureFile(sig(p).text, 's').payload, p);
});

test('a .sig with a re-encoded, extended or newer payload is refused', () => {
  const file = signPayload(payload(), alice.privateKey);
  const spaced = { ...file, payload: JSON.stringify(JSON.parse(file.payload), null, 1) };
  assert.throws(() => parseSignatureFile(JSON.stringify(spaced), 's'), /canonical/);
  assert.throws(
    () => parseSignatureFile('{"format":2}', 's'),
    (e) => isDamError(e, 'STATE_TOO_NEW'),
  );
  assert.throws(
    () => parseSignatureFile('{', 's'),
    (e) => isDamError(e, 'ARCHIVE_INVALID'),
  );
  // A wrong field is named by its path.
  const negative = { ...file, payload: JSON.stringify({ ...JSON.parse(file.payload), sequence: -1 }) };
  assert.throws(
    () => parseSignatureFile(JSON.stringify(negative), 's'),
    /invalid: payload\.sequence is not a whole number/,
  );
  const noSig = { format: file.format, payload: file.payload };
  assert.throws(() => parseSignatureFile(JSON.stringify(noSig), 's'), /invalid: signature is not a string/);
});

test('no key trusted: nothing required, a signature still reported', () => {
  assert.equal(check(emptyTrust()).status, 'not-required');
  const v = check(emptyTrust(), sig(payload()));
  assert.equal(v.status, 'not-required');
  assert.equal(v.signer?.fingerprint, alice.fingerprint);
});

test('each refusal has its reason', () => {
  const policy = trusting({ ...alice, name: 'alice' });
  assert.equal(reason(check(policy)), 'unsigned');
  const unknown = check(policy, sig(payload({ signer: mallory.fingerprint }), mallory.privateKey));
  assert.equal(reason(unknown), 'unknown-key');
  assert.match(
    unknown.status === 'refused' ? unknown.message : '',
    new RegExp(mallory.fingerprint.replace(/[+/]/g, '\\$&')),
  );
  // Mallory signs but claims to be Alice: the signature does not verify with Alice's key.
  assert.equal(reason(check(policy, sig(payload(), mallory.privateKey))), 'bad-signature');
  const edited = JSON.parse(sig(payload()).text) as { payload: string };
  edited.payload = edited.payload.replace('"sequence":10', '"sequence":99');
  assert.equal(reason(check(policy, { text: JSON.stringify(edited), source: 's' })), 'bad-signature');
  assert.equal(
    reason(check(policy, sig(payload()), { kind: 'bundle', indexSha256: 'b'.repeat(64) })),
    'digest-mismatch',
  );
  assert.equal(reason(check(policy, sig(payload()), { kind: 'file', sha256: INDEX, size: 1 })), 'digest-mismatch');
  assert.equal(reason(check(policy, sig(payload()), undefined, 'other')), 'product-mismatch');
  assert.equal(reason(check(policy, { text: '{"format":1}', source: 'damaged.sig' })), 'bad-signature');
  assert.equal(check(emptyTrust(), { text: 'garbage', source: 'damaged.sig' }).status, 'not-required');
  const ok = check(policy, sig(payload()), undefined, 'plant');
  assert.equal(ok.status, 'trusted');
  const file = { kind: 'file' as const, sha256: INDEX, size: 5, tag: 'web:1.0' };
  const fileOk = check(policy, sig(payload({ subject: file })), { kind: 'file', sha256: INDEX, size: 5 });
  assert.equal(fileOk.status === 'trusted' ? fileOk.signedTag : '', 'web:1.0');
  assert.equal(
    reason(check(policy, sig(payload({ subject: file })), { kind: 'file', sha256: INDEX, size: 6 })),
    'digest-mismatch',
  );
});

test('rollback: older than the highest accepted per product and key is refused; equal is fine', () => {
  let policy = trusting({ ...alice, name: 'alice' });
  policy = recordAccepted(policy, { product: 'plant', fingerprint: alice.fingerprint, sequence: 10, acceptedAt: 'x' });
  assert.equal(check(policy, sig(payload({ sequence: 10 }))).status, 'trusted');
  assert.equal(reason(check(policy, sig(payload({ sequence: 9 })))), 'rollback');
  assert.equal(check(policy, sig(payload({ sequence: 9, product: 'other' }))).status, 'trusted');
  // recordAccepted never lowers the highest.
  assert.equal(
    recordAccepted(policy, { product: 'plant', fingerprint: alice.fingerprint, sequence: 3, acceptedAt: 'y' }),
    policy,
  );
});

test('admit: refusals throw REFUSED, and only the matching flag lets one through', () => {
  const policy = recordAccepted(trusting({ ...alice, name: 'alice' }), {
    product: 'plant',
    fingerprint: alice.fingerprint,
    sequence: 10,
    acceptedAt: 'x',
  });
  const none = { insecureAllowUnsigned: false, allowDowngrade: false };
  assert.throws(
    () => admit(check(policy), none),
    (e) => isDamError(e, 'REFUSED') && /unsigned/.test(e.message),
  );
  assert.equal(admit(check(policy), { ...none, insecureAllowUnsigned: true }).override, '--insecure-allow-unsigned');
  const old = check(policy, sig(payload({ sequence: 2 })));
  assert.throws(() => admit(old, { ...none, insecureAllowUnsigned: true }), /rollback/);
  assert.equal(admit(old, { ...none, allowDowngrade: true }).override, '--allow-downgrade');
  assert.equal(admit(check(policy, sig(payload())), none).override, undefined);
});

test('trust.json: add, remove, round-trip, and a damaged file is refused, never reset', () => {
  let policy = trusting({ ...alice, name: 'alice' });
  assert.throws(
    () =>
      addTrustedKey(policy, {
        name: 'again',
        fingerprint: alice.fingerprint,
        publicKey: alice.raw.toString('base64'),
        addedAt: 'x',
      }),
    (e) => isDamError(e, 'CONFLICT'),
  );
  assert.throws(
    () =>
      addTrustedKey(policy, {
        name: 'bad name',
        fingerprint: mallory.fingerprint,
        publicKey: mallory.raw.toString('base64'),
        addedAt: 'x',
      }),
    (e) => isDamError(e, 'INVALID_NAME'),
  );
  policy = trusting({ ...alice, name: 'alice' }, { ...mallory, name: 'm' });
  assert.deepEqual(parseTrust(serializeTrust(policy), 't'), policy);
  assert.equal(removeTrustedKey(policy, mallory.fingerprint).policy.keys.length, 1);
  assert.equal(removeTrustedKey(policy, 'alice').removed.fingerprint, alice.fingerprint);
  assert.throws(
    () => removeTrustedKey(policy, 'nobody'),
    (e) => isDamError(e, 'NOT_FOUND'),
  );
  const forged = JSON.parse(serializeTrust(policy)) as { keys: Array<{ publicKey: string }> };
  forged.keys[0]!.publicKey = mallory.raw.toString('base64');
  assert.throws(
    () => parseTrust(JSON.stringify(forged), 't'),
    (e) => isDamError(e, 'STATE_CORRUPT'),
  );
  assert.throws(
    () => parseTrust('{"format":7}', 't'),
    (e) => isDamError(e, 'STATE_TOO_NEW'),
  );
});

test('rollback per app and key: an older release under another name cannot take back an app', () => {
  const base = trusting({ ...alice, name: 'alice' });
  // The bundle 'plant' (signed at 12:00) installed the app 'web'.
  const policy = recordAcceptedApps(base, ['web'], {
    product: 'plant',
    fingerprint: alice.fingerprint,
    sequence: 10,
    created: '2026-11-25T12:00:00.000Z',
    acceptedAt: 'x',
  });
  const dam = (created: string, sequence: number) =>
    payload({
      subject: { kind: 'file', sha256: INDEX, size: 5, tag: 'reg:5000/web:0.9' },
      product: 'web',
      sequence,
      created,
    });
  const measured = { kind: 'file' as const, sha256: INDEX, size: 5 };
  const older = check(policy, sig(dam('2026-11-25T11:00:00.000Z', 99)), measured);
  assert.equal(reason(older), 'rollback');
  assert.match(older.status === 'refused' ? older.message : '', /take back the app 'web'.*'plant' sequence 10/);
  const newer = check(policy, sig(dam('2026-11-25T13:00:00.000Z', 1)), measured);
  assert.equal(newer.status, 'trusted');
  assert.deepEqual(newer.status === 'trusted' ? newer.apps : [], ['web']);
  // Another key's releases are counted apart; a bundle names its apps itself.
  assert.equal(
    check(
      recordAcceptedApps(base, ['web'], {
        product: 'plant',
        fingerprint: mallory.fingerprint,
        sequence: 10,
        created: '2026-11-25T12:00:00.000Z',
        acceptedAt: 'x',
      }),
      sig(dam('2026-11-25T11:00:00.000Z', 1)),
      measured,
    ).status,
    'trusted',
  );
  const bundle = evaluate({
    policy,
    signature: sig(payload({ product: 'other', created: '2026-11-25T11:00:00.000Z' })),
    subject: { kind: 'bundle', indexSha256: INDEX },
    apps: ['db', 'web'],
    archive: 'b',
  });
  assert.equal(reason(bundle), 'rollback');
  assert.equal(admit(bundle, { insecureAllowUnsigned: false, allowDowngrade: true }).override, '--allow-downgrade');
  // Same name: sequences decide. Recording never replaces a newer release.
  assert.equal(
    reason(check(policy, sig(payload({ sequence: 9, created: '2030-01-01T00:00:00.000Z' })), undefined)),
    'trusted',
  );
  const same = recordAcceptedApps(policy, ['web'], {
    product: 'plant',
    fingerprint: alice.fingerprint,
    sequence: 8,
    created: '2030-01-01T00:00:00.000Z',
    acceptedAt: 'y',
  });
  assert.equal(same, policy);
  const raised = recordAcceptedApps(policy, ['web'], {
    product: 'web',
    fingerprint: alice.fingerprint,
    sequence: 1,
    created: '2026-11-25T13:00:00.000Z',
    acceptedAt: 'y',
  });
  assert.deepEqual(
    raised.acceptedApps.map((a) => [a.app, a.product]),
    [['web', 'web']],
  );
  assert.deepEqual(parseTrust(serializeTrust(raised), 't'), raised);
});

test('trust.json format 1 (no per-app entries) still reads, as format 2', () => {
  const v1 = {
    format: 1,
    keys: [],
    accepted: [{ product: 'plant', fingerprint: alice.fingerprint, sequence: 7, acceptedAt: 'x' }],
  };
  const read = parseTrust(JSON.stringify(v1), 't');
  assert.equal(read.format, 2);
  assert.deepEqual(read.acceptedApps, []);
  assert.equal(read.accepted[0]?.sequence, 7);
  assert.throws(
    () => parseTrust(JSON.stringify({ ...v1, format: 2 }), 't'),
    (e) => isDamError(e, 'STATE_CORRUPT'),
  );
});
