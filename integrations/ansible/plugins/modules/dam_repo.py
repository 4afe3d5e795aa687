#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: DAM contributors
# Apache License 2.0 (see https://www.apache.org/licenses/LICENSE-2.0)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
---
module: dam_repo
short_description: A registry (repository) DAM installs apps from
description:
  - Adds, changes or removes one of DAM's repositories (C(dam addrepo), C(modifyrepo), C(removerepo)), so that
    the host's list matches the play. Runs nothing when it already does.
  - The password is never logged, never returned, and reaches DAM on standard input (C(--password-stdin)).
version_added: "2.0.0"
options:
  name:
    description: The repository's name.
    type: str
    required: true
  server:
    description: The registry address, C(host[:port][/path]); required with C(state=present).
    type: str
  default:
    description: Whether it is the repository bare C(name:version) arguments resolve against.
    type: bool
  username:
    description: The user name for the registry.
    type: str
  password:
    description: The password; see I(update_password).
    type: str
  update_password:
    description: C(always) sends the password on every run (DAM cannot show a stored password to compare);
      C(on_create) only when the repository is added or has no password yet.
    type: str
    choices: [always, on_create]
    default: on_create
  insecure:
    description: Allow plain HTTP and unverified TLS for this registry.
    type: bool
    default: false
  ca_file:
    description: A CA certificate (PEM) on the managed host to trust for this registry.
    type: path
  force:
    description: With C(state=absent), remove it even if it is the default.
    type: bool
    default: false
  state:
    description: Whether the repository should be configured.
    type: str
    choices: [present, absent]
    default: present
extends_documentation_fragment:
  - dam.fleet.dam
author:
  - DAM contributors
"""

EXAMPLES = r"""
- name: The site registry, the default for every host
  dam.fleet.dam_repo:
    name: site
    server: registry.site.lan:5000
    username: deploy
    password: "{{ vault_site_registry_password }}"
    default: true
"""

RETURN = r"""
repo:
  description: The repository as C(dam listrepos --json) shows it (never a password), absent after removal.
  returned: always
  type: dict
"""

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.dam.fleet.plugins.module_utils.dam import COMMON_ARGS, DamRunner


def wanted_changes(params, repo):
    """The modifyrepo flags that would bring `repo` to what the play says; [] when it already is."""
    args = []
    if params["server"] and params["server"] != repo["server"]:
        args += ["--server", params["server"]]
    if params["default"] is not None and params["default"] != repo["default"]:
        args += ["--default=%s" % ("true" if params["default"] else "false")]
    if params["username"] is not None and params["username"] != repo.get("username"):
        args += ["--username", params["username"]]
    if params["insecure"] != repo.get("insecure", False):
        args += ["--insecure" if params["insecure"] else "--no-insecure"]
    if params["ca_file"] is not None and params["ca_file"] != repo.get("caFile"):
        args += ["--ca-file", params["ca_file"]]
    return args


def apply(module, dam, params):
    """Runs DAM until the module exits (exit_json ends every path)."""
    repo = next((r for r in dam.run(["listrepos"]) or [] if r["name"] == params["name"]), None)
    if params["state"] == "absent":
        if repo is None:
            module.exit_json(changed=False, repo=None)
        if not module.check_mode:
            dam.run(["removerepo", str(repo["id"])] + (["--force"] if params["force"] else []))
        module.exit_json(changed=True, repo=None)
    password = params["password"]
    data = password.encode("utf-8") if password is not None else None
    if repo is None:
        args = ["addrepo", "--name", params["name"], "--server", params["server"]]
        args += ["--username", params["username"]] if params["username"] else []
        args += ["--password-stdin"] if password is not None else []
        args += ["--default"] if params["default"] else []
        args += ["--insecure"] if params["insecure"] else []
        args += ["--ca-file", params["ca_file"]] if params["ca_file"] else []
        if module.check_mode:
            module.exit_json(changed=True, repo=None)
        module.exit_json(changed=True, repo=dam.run(args, data=data))
    args = wanted_changes(params, repo)
    send_password = password is not None and (params["update_password"] == "always" or not repo.get("hasPassword"))
    if send_password:
        args += ["--password-stdin"]
    if not args:
        module.exit_json(changed=False, repo=repo)
    if module.check_mode:
        module.exit_json(changed=True, repo=repo)
    changed = dam.run(["modifyrepo", str(repo["id"])] + args, data=data if send_password else None)
    module.exit_json(changed=True, repo=changed)


def main():
    spec = dict(
        name=dict(type="str", required=True),
        server=dict(type="str"),
        default=dict(type="bool"),
        username=dict(type="str"),
        password=dict(type="str", no_log=True),
        update_password=dict(type="str", default="on_create", choices=["always", "on_create"], no_log=False),
        insecure=dict(type="bool", default=False),
        ca_file=dict(type="path"),
        force=dict(type="bool", default=False),
        state=dict(type="str", default="present", choices=["present", "absent"]),
    )
    spec.update(COMMON_ARGS)
    module = AnsibleModule(argument_spec=spec, supports_check_mode=True, required_if=[("state", "present", ["server"])], required_by={"password": "username"})
    dam = DamRunner(module)
    params = module.params
    dam.call(lambda: apply(module, dam, params), changed=False)


if __name__ == "__main__":
    main()
