#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: DAM contributors
# Apache License 2.0 (see https://www.apache.org/licenses/LICENSE-2.0)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
---
module: dam_app
short_description: Install, upgrade or remove one DAM app
description:
  - C(present) installs I(name) at I(version) (from the default repository, the local cache, or I(src)), or
    moves an installed app of that name to I(version) with C(dam upgrade).
  - C(latest) upgrades the installed app to the newest version its repository has.
  - C(absent) removes the app (its uninstall script runs; its image stays for C(dam purge)).
  - Every change is one DAM transaction: a failing script is rolled back, and the host stays as it was.
version_added: "2.0.0"
options:
  name:
    description: The app's name.
    type: str
    required: true
  version:
    description: The version wanted with C(state=present); required unless the app is already installed or I(src) is given.
    type: str
  src:
    description: An archive on the managed host (a C(.dam) file or a C(docker save) tar) to install from instead of a registry.
    type: path
  state:
    description: What the host should have.
    type: str
    choices: [present, absent, latest]
    default: present
  force:
    description: With C(state=absent), forget the app even if its uninstall script fails.
    type: bool
    default: false
extends_documentation_fragment:
  - dam.fleet.dam
  - dam.fleet.dam.lifecycle
author:
  - DAM contributors
"""

EXAMPLES = r"""
- name: The web app, version 1.2
  dam.fleet.dam_app:
    name: web
    version: "1.2"

- name: Always the newest hello-tool the repository has
  dam.fleet.dam_app:
    name: hello-tool
    state: latest

- name: No more web
  dam.fleet.dam_app:
    name: web
    state: absent
"""

RETURN = r"""
before:
  description: The app's installed versions before the run.
  returned: always
  type: list
  elements: str
after:
  description: The app's installed versions after the run (predicted in check mode).
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


def flags(params, *names):
    out = []
    for name in names:
        if params.get(name):
            out.append("--" + name.replace("_", "-"))
    if params.get("script_timeout"):
        out += ["--timeout", str(params["script_timeout"])]
    return out


def present(module, dam, before):
    params = module.params
    name, version, src = params["name"], params["version"], params["src"]
    if src is None and version is None:
        if before:
            return None, before
        module.fail_json(msg="dam_app: '%s' is not installed, so state=present needs a version (or src)." % name, before=before, after=before)
    if version is not None and version in before:
        return None, before
    target = src or "%s:%s" % (name, version)
    trust = flags(params, "offline", "allow_downgrade", "insecure_allow_unsigned")
    if before:
        return ["upgrade", target] + trust, [version or "?"]
    return ["install", target] + trust, before + [version or "?"]


def latest(module, dam, before):
    name = module.params["name"]
    if not before:
        module.fail_json(msg="dam_app: '%s' is not installed; state=latest upgrades an installed app." % name, before=before, after=before)
    return ["upgrade", name] + flags(module.params), None


def absent(module, dam, before):
    version = module.params["version"]
    if not before or (version is not None and version not in before):
        return None, before
    target = module.params["name"] if version is None else "%s:%s" % (module.params["name"], version)
    return ["remove", target] + flags(module.params, "force"), [v for v in before if version is not None and v != version]


def main():
    spec = dict(
        name=dict(type="str", required=True),
        version=dict(type="str"),
        src=dict(type="path"),
        state=dict(type="str", default="present", choices=["present", "absent", "latest"]),
        offline=dict(type="bool", default=False),
        force=dict(type="bool", default=False),
        allow_downgrade=dict(type="bool", default=False),
        insecure_allow_unsigned=dict(type="bool", default=False),
        script_timeout=dict(type="int"),
    )
    spec.update(COMMON_ARGS)
    module = AnsibleModule(argument_spec=spec, supports_check_mode=True)
    dam = DamRunner(module)
    name = module.params["name"]
    before = dam.call(lambda: dam.installed().get(name, []), changed=False)
    decide = dict(present=present, latest=latest, absent=absent)[module.params["state"]]
    args, predicted = decide(module, dam, before)
    if args is None:
        module.exit_json(changed=False, before=before, after=before)
    if module.check_mode:
        if args[0] == "upgrade" and predicted is None:
            plan = dam.call(lambda: dam.run(args + ["--dry-run"]), changed=False, before=before)
            target = (plan or {}).get("to")
            predicted = before if not target else [target["version"] if isinstance(target, dict) else str(target).split(":")[-1]]
        module.exit_json(changed=predicted != before, before=before, after=predicted)
    dam.call(lambda: dam.run(args), changed=False, before=before)
    after = dam.call(lambda: dam.installed().get(name, []), changed=True, before=before)
    module.exit_json(changed=after != before, before=before, after=after)

if __name__ == "__main__":
    main()
