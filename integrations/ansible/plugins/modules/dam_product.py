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
  - Reports C(changed) only when DAM changed something. Outside check mode it runs C(dam import --yes --json)
    once; DAM itself does nothing when the host already has the product.
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
  verify:
    description:
      - After an import that is not a check, run C(dam verify) and fail with its problems when an app is not as
        installed. The apps stay imported: the failure says they need a look.
    type: bool
    default: false
  report:
    description:
      - Also return DAM's version and the apps installed before and after, in the same module run (what a
        rollout report needs, without a task per C(dam) command).
    type: bool
    default: false
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

- name: Import, verify, and return what a report needs
  dam.fleet.dam_product:
    src: /var/cache/dam/line-2.4.bundle
    verify: true
    report: true

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
verified:
  description: Whether C(dam verify) passed; null when it did not run.
  returned: always
  type: bool
dam_version:
  description: DAM's C(--version) on the host.
  returned: when report is true
  type: str
before:
  description: The apps installed before, as name:version, sorted.
  returned: when report is true
  type: list
  elements: str
after:
  description: The apps installed after (in check mode, the plan's prediction), as name:version, sorted.
  returned: when report is true
  type: list
  elements: str
dam_error:
  description: DAM's error code, message and hint, on failure.
  returned: failure
  type: dict
"""

import json

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.dam.fleet.plugins.module_utils.dam import COMMON_ARGS, DamFailure, DamRunner, parse_failure


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


def apps_after(before, plan, applied):
    """The host's apps once `plan` is applied: DAM applies a plan whole or not at all, so no second `dam list`."""
    if not applied:
        return list(before)
    gone = set(plan.get("remove", []) + [u["from"] for u in plan.get("upgrade", [])])
    came = plan.get("install", []) + [u["to"] for u in plan.get("upgrade", [])]
    return sorted(set(a for a in before if a not in gone) | set(came))


def verify(dam, result):
    """`dam verify --json`; ends the module with the problems (and the import's result) when an app is not as installed."""
    argv = dam.argv(["verify", "--json"])
    rc, out, err = dam.module.run_command(argv, environ_update=dict(dam.environ, NO_COLOR="1"), check_rc=False)
    if rc == 0:
        return True
    try:
        doc = json.loads(out)
    except ValueError:
        doc = None
    if not (isinstance(doc, dict) and doc.get("ok") is False):
        dam.fail(parse_failure(rc, out, err, argv), **result)
    problems = ["%s:%s: %s" % (a["name"], a["version"], p) for a in doc.get("apps", []) for p in a.get("problems", [])]
    dam.fail(DamFailure("VERIFY_FAILED", "dam verify found %d problem(s): %s" % (len(problems), "; ".join(problems)),
                        "Reinstall the app (dam install NAME:VERSION --reinstall) or remove it, then run the rollout again.", rc, argv),
             **dict(result, verified=False))


def main():
    spec = dict(
        src=dict(type="path", required=True),
        restore=dict(type="bool", default=False),
        offline=dict(type="bool", default=False),
        allow_downgrade=dict(type="bool", default=False),
        insecure_allow_unsigned=dict(type="bool", default=False),
        signature=dict(type="path"),
        script_timeout=dict(type="int"),
        verify=dict(type="bool", default=False),
        report=dict(type="bool", default=False),
    )
    spec.update(COMMON_ARGS)
    module = AnsibleModule(argument_spec=spec, supports_check_mode=True)
    dam = DamRunner(module)
    result = dict(changed=False, apps_changed=[], verified=None)
    if module.params["report"]:
        result["dam_version"] = dam.call(lambda: dam.run(["--version"], json_out=False).strip(), **result)
        result["before"] = sorted("%s:%s" % (name, v) for name, versions in dam.call(dam.installed, **result).items() for v in versions)
    # Check mode asks for the plan only; otherwise one `import --yes`, which applies nothing when nothing is pending.
    args = import_args(module.params) + (["--dry-run"] if module.check_mode else ["--yes"])
    plan = dam.call(lambda: dam.run(args), **result)
    applied = bool(plan.get("applied")) if not module.check_mode else bool(changes(plan))
    result.update(changed=applied, plan=plan, apps_changed=changes(plan) if applied else [], diff=diff_of(plan))
    if module.params["report"]:
        result["after"] = apps_after(result["before"], plan, applied)
    if module.params["verify"] and not module.check_mode:
        result["verified"] = verify(dam, result)
    module.exit_json(**result)


if __name__ == "__main__":
    main()
