#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: DAM contributors
# Apache License 2.0 (see https://www.apache.org/licenses/LICENSE-2.0)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
---
module: dam_product
short_description: Bring a host to a DAM product (a bundle, a product file or an app list)
description:
  - Runs C(dam import) on the managed host. DAM plans first and applies the plan as one transaction, so a
    failing app puts every app of the run back as it was.
  - In check mode it runs C(dam import --dry-run --json) and reports the plan without changing anything;
    with C(--diff) the installs, upgrades and removals are shown.
  - Reports C(changed) only when DAM changed something.
version_added: "2.0.0"
options:
  src:
    description: Path, on the managed host, of a bundle (C(dam export --all)), a JSON product, a DAM 1.x app list or a DAM 1.x export archive.
    type: path
    required: true
  restore:
    description: Remove every installed app first, then install the product (C(--restore)).
    type: bool
    default: false
  signature:
    description: The detached signature to check, when it is not C(SRC.sig).
    type: path
extends_documentation_fragment:
  - dam.fleet.dam
  - dam.fleet.dam.lifecycle
author:
  - DAM contributors
"""

EXAMPLES = r"""
- name: Bring the line to release 2.4
  dam.fleet.dam_product:
    src: /var/cache/dam/line-2.4.bundle

- name: Show what the import would do
  dam.fleet.dam_product:
    src: /var/cache/dam/line-2.4.bundle
  check_mode: true
  diff: true
"""

RETURN = r"""
plan:
  description: DAM's plan (C(dam import --dry-run --json)).
  returned: always
  type: dict
  contains:
    install: {description: "Apps installed, as name:version.", type: list, elements: str}
    upgrade: {description: "Upgrades, each {from, to}.", type: list, elements: dict}
    remove: {description: "Apps removed, as name:version.", type: list, elements: str}
    keep: {description: "Apps already as the product wants them.", type: list, elements: str}
apps_changed:
  description: Every app the run installed, upgraded or removed, as name:version (upgrades as name:old -> new).
  returned: always
  type: list
  elements: str
dam_error:
  description: DAM's error code, message and hint, on failure.
  returned: failure
  type: dict
"""

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.dam.fleet.plugins.module_utils.dam import COMMON_ARGS, DamRunner


def import_args(params):
    args = ["import", params["src"]]
    for flag in ("restore", "offline", "allow_downgrade", "insecure_allow_unsigned"):
        if params[flag]:
            args.append("--" + flag.replace("_", "-"))
    if params.get("signature"):
        args += ["--signature", params["signature"]]
    if params.get("script_timeout"):
        args += ["--timeout", str(params["script_timeout"])]
    return args


def changes(plan):
    out = ["install %s" % a for a in plan.get("install", [])]
    out += ["upgrade %s -> %s" % (u["from"], u["to"].split(":")[-1]) for u in plan.get("upgrade", [])]
    out += ["remove %s" % a for a in plan.get("remove", [])]
    return out


def diff_of(plan):
    before = sorted(plan.get("keep", []) + plan.get("remove", []) + [u["from"] for u in plan.get("upgrade", [])])
    after = sorted(plan.get("keep", []) + plan.get("install", []) + [u["to"] for u in plan.get("upgrade", [])])
    return dict(before="\n".join(before) + "\n", after="\n".join(after) + "\n", before_header="installed apps", after_header="after import")


def main():
    spec = dict(
        src=dict(type="path", required=True),
        restore=dict(type="bool", default=False),
        offline=dict(type="bool", default=False),
        allow_downgrade=dict(type="bool", default=False),
        insecure_allow_unsigned=dict(type="bool", default=False),
        signature=dict(type="path"),
        script_timeout=dict(type="int"),
    )
    spec.update(COMMON_ARGS)
    module = AnsibleModule(argument_spec=spec, supports_check_mode=True)
    dam = DamRunner(module)
    args = import_args(module.params)
    plan = dam.call(lambda: dam.run(args + ["--dry-run"]), changed=False)
    pending = changes(plan)
    result = dict(changed=bool(pending), plan=plan, apps_changed=pending, diff=diff_of(plan))
    if module.check_mode or not pending:
        module.exit_json(**result)
    applied = dam.call(lambda: dam.run(args + ["--yes"]), changed=False, plan=plan, apps_changed=[])
    result.update(changed=bool(applied.get("applied")), plan=applied, apps_changed=changes(applied) if applied.get("applied") else [])
    module.exit_json(**result)


if __name__ == "__main__":
    main()
