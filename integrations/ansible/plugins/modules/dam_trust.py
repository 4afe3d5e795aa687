#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: DAM contributors
# Apache License 2.0 (see https://www.apache.org/licenses/LICENSE-2.0)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
---
module: dam_trust
short_description: A public key the host accepts signed DAM products from
description:
  - Trusts or stops trusting an Ed25519 public key (C(dam trust add), C(dam trust remove)). Once any key is
    trusted, the host installs archives and imports bundles only with a valid signature from a trusted key.
  - Give the vendor's public key only (C(dam key export-public)); the private key never leaves the signing machine.
  - Idempotent: the key is matched by its fingerprint, computed from I(key) on the managed host.
version_added: "2.0.0"
options:
  key:
    description: The public key file (PEM) on the managed host; required with C(state=present).
    type: path
  name:
    description: The name to trust it under; a trusted key of that name with another fingerprint is replaced.
    type: str
    required: true
  state:
    description: Whether the key should be trusted.
    type: str
    choices: [present, absent]
    default: present
extends_documentation_fragment:
  - dam.fleet.dam
author:
  - DAM contributors
"""

EXAMPLES = r"""
- name: Copy the vendor's public key
  ansible.builtin.copy:
    src: vendor.pub
    dest: /etc/dam/vendor.pub
    mode: "0644"

- name: Trust it
  dam.fleet.dam_trust:
    key: /etc/dam/vendor.pub
    name: vendor
"""

RETURN = r"""
fingerprint:
  description: The key's fingerprint (C(SHA256:...), as C(dam trust list) shows it).
  returned: when known
  type: str
"""

import base64
import hashlib

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.dam.fleet.plugins.module_utils.dam import COMMON_ARGS, DamRunner

# An Ed25519 SubjectPublicKeyInfo is this 12-byte DER prefix and the raw 32-byte key.
ED25519_SPKI_PREFIX = bytes(bytearray([0x30, 0x2A, 0x30, 0x05, 0x06, 0x03, 0x2B, 0x65, 0x70, 0x03, 0x21, 0x00]))


def fingerprint_of(module, path):
    """DAM's fingerprint of a PEM public key: SHA256: and the unpadded base64 of sha256(raw key)."""
    try:
        with open(path, "r") as handle:
            text = handle.read()
    except (IOError, OSError) as err:
        reason = str(err)
    else:
        reason = None
    if reason is not None:
        module.fail_json(msg="dam_trust: cannot read the key file '%s': %s" % (path, reason))
    if "PRIVATE KEY-----" in text:
        module.fail_json(msg="dam_trust: '%s' holds a private key; give the public key (dam key export-public NAME)." % path)
    body = "".join(line for line in text.splitlines() if line and not line.startswith("-----"))
    try:
        der = base64.b64decode(body)
    except (ValueError, TypeError):
        der = b""
    if len(der) != 44 or der[:12] != ED25519_SPKI_PREFIX:
        module.fail_json(msg="dam_trust: '%s' is not an Ed25519 public key in PEM form (dam key export-public NAME writes one)." % path)
    digest = base64.b64encode(hashlib.sha256(der[12:]).digest()).decode("ascii").rstrip("=")
    return "SHA256:" + digest


def apply(module, dam, params):
    """Runs DAM until the module exits (exit_json ends every path)."""
    keys = (dam.run(["trust", "list"]) or {}).get("keys", [])
    by_name = next((k for k in keys if k["name"] == params["name"]), None)
    if params["state"] == "absent":
        if by_name is None:
            module.exit_json(changed=False)
        if not module.check_mode:
            dam.run(["trust", "remove", by_name["fingerprint"]])
        module.exit_json(changed=True, fingerprint=by_name["fingerprint"])
    fingerprint = fingerprint_of(module, params["key"])
    if by_name is not None and by_name["fingerprint"] == fingerprint:
        module.exit_json(changed=False, fingerprint=fingerprint)
    if module.check_mode:
        module.exit_json(changed=True, fingerprint=fingerprint)
    if by_name is not None:
        dam.run(["trust", "remove", by_name["fingerprint"]])
    if any(k["fingerprint"] == fingerprint for k in keys):
        dam.run(["trust", "remove", fingerprint])
    dam.run(["trust", "add", params["key"], "--name", params["name"]])
    module.exit_json(changed=True, fingerprint=fingerprint)


def main():
    spec = dict(
        key=dict(type="path"),
        name=dict(type="str", required=True),
        state=dict(type="str", default="present", choices=["present", "absent"]),
    )
    spec.update(COMMON_ARGS)
    module = AnsibleModule(argument_spec=spec, supports_check_mode=True, required_if=[("state", "present", ["key"])])
    dam = DamRunner(module)
    dam.call(lambda: apply(module, dam, module.params), changed=False)


if __name__ == "__main__":
    main()
