#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: DAM contributors
# Apache License 2.0 (see https://www.apache.org/licenses/LICENSE-2.0)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
---
module: dam_bundle_copy
short_description: Bring a bundle (and its signature) to a host, skipping a host that has the same bytes
description:
  - Copies large files that verify themselves, such as a DAM bundle and its C(.sig), into a folder on the
    host. Built for files of hundreds of megabytes, where M(ansible.builtin.copy) spends seconds hashing.
  - Hashes each file on the controller once per run (SHA-256, shared by every host and batch of the run), and
    on the host only when a file of the same size is already there. The same bytes are not sent again
    (C(changed=false)).
  - Sends a missing or different file with the connection's own transfer (sftp or scp) to a temporary name in
    the folder, then renames it into place, so an interrupted copy never leaves half a file under the final
    name. What arrived is not hashed again, because C(dam import) checks every blob's digest and the
    signature itself.
  - One module call on the host when nothing needs sending, two when something does.
  - In check mode nothing is sent or made; C(changed) says whether a file would be.
version_added: "2.0.0"
options:
  src:
    description: The files on the controller, as a path or a list of paths (found like M(ansible.builtin.copy)'s C(src)).
    type: list
    elements: str
  dest:
    description: The folder on the host; made (mode C(0755)) when missing. Each file keeps its name and gets mode C(0644).
    type: path
    required: true
  step:
    description: Internal, set by the action plugin (what the call on the host does); not for tasks.
    type: str
    choices: [compare, place, discard]
    default: compare
  files:
    description: Internal, set by the action plugin (the files with their size and SHA-256, or their temporary names).
    type: list
    elements: dict
  direct:
    description: Internal, set by the action plugin (whether the file is sent straight into the folder, or, under C(become), first into Ansible's temporary folder).
    type: bool
    default: true
author:
  - DAM contributors
"""

EXAMPLES = r"""
- name: Bring the bundle and its signature to the host
  dam.fleet.dam_bundle_copy:
    src: [/media/usb/line-2.4.bundle, /media/usb/line-2.4.bundle.sig]
    dest: /var/cache/dam
"""

RETURN = r"""
files:
  description: Each file, with its path on the host, its size, its SHA-256 and whether it was (or would be) sent.
  returned: success
  type: list
  elements: dict
"""

import errno
import glob
import os
import shutil
import tempfile

from ansible.module_utils.basic import AnsibleModule
from ansible_collections.dam.fleet.plugins.module_utils.files import sha256_of


def same_file(path, size, sha256):
    """Whether `path` holds these bytes: the size first, the hash only when the size matches."""
    try:
        if not os.path.isfile(path) or os.path.getsize(path) != size:
            return False
        return sha256_of(path) == sha256
    except (IOError, OSError):
        return False


def part_prefix(name):
    return ".%s.dam-part-" % name


def discard(paths):
    for path in paths:
        try:
            os.unlink(path)
        except OSError as err:
            if err.errno != errno.ENOENT:
                raise


def make_room(module, dest, needed):
    """The folder, made when missing, and a clear failure when the files cannot fit."""
    if os.path.exists(dest) and not os.path.isdir(dest):
        module.fail_json(msg="%s on the host is not a folder: set dest to a folder for %s" % (dest, ", ".join(f["name"] for f in needed)))
    if not os.path.isdir(dest):
        os.makedirs(dest, 0o755)
    fs = os.statvfs(dest)
    free, want = fs.f_bavail * fs.f_frsize, sum(f["size"] for f in needed)
    if free < want:
        module.fail_json(msg="no space on the host for %s in %s: %d MB needed, %d MB free; free some space there or set another folder"
                         % (", ".join(f["name"] for f in needed), dest, want // 2 ** 20 + 1, free // 2 ** 20))


def temporary(dest, name):
    """An empty file to send into, under a name no reader takes for the real one."""
    fd, path = tempfile.mkstemp(dir=dest, prefix=part_prefix(name))
    os.close(fd)
    return path


def compare(module, dest, files):
    result = []
    for f in files:
        path = os.path.join(dest, f["name"])
        result.append(dict(name=f["name"], path=path, size=f["size"], sha256=f["sha256"], changed=not same_file(path, f["size"], f["sha256"])))
    if module.check_mode:
        return result
    # The leftovers of an interrupted copy: never read, and as large as the file.
    discard([p for f in result for p in glob.glob(os.path.join(dest, part_prefix(f["name"]) + "*"))])
    needed = [f for f in result if f["changed"]]
    if needed:
        make_room(module, dest, needed)
    for f in needed:
        if module.params["direct"]:
            f["temp"] = temporary(dest, f["name"])
    return result


def place(dest, files):
    """Renames each sent file into place: a reader sees the old file or the whole new one, never a part."""
    for f in files:
        temp = f["temp"]
        if os.path.dirname(temp) != dest:
            # Sent as the login user into Ansible's temporary folder (become): copied next to its final name first,
            # so that the rename stays on one file system.
            temp = temporary(dest, f["name"])
            try:
                shutil.copyfile(f["temp"], temp)
            except (IOError, OSError):
                discard([temp])
                raise
            os.unlink(f["temp"])
        os.chmod(temp, 0o644)
        os.rename(temp, os.path.join(dest, f["name"]))


def main():
    module = AnsibleModule(
        argument_spec=dict(
            src=dict(type="list", elements="str"),
            dest=dict(type="path", required=True),
            step=dict(type="str", choices=["compare", "place", "discard"], default="compare"),
            files=dict(type="list", elements="dict"),
            direct=dict(type="bool", default=True),
        ),
        supports_check_mode=True,
    )
    dest, step, files = os.path.abspath(module.params["dest"]), module.params["step"], module.params["files"]
    if files is None:
        module.fail_json(msg="dam_bundle_copy runs through its action plugin: use dam.fleet.dam_bundle_copy with src and dest")
    try:
        if step == "compare":
            result = compare(module, dest, files)
            module.exit_json(changed=any(f["changed"] for f in result), files=result)
        if step == "place":
            place(dest, files)
        else:
            discard([f["temp"] for f in files])
    except (IOError, OSError, KeyError) as err:
        module.fail_json(msg="could not %s %s in %s on the host: %s" % (step, ", ".join(f.get("name", "?") for f in files), dest, err))
    module.exit_json(changed=step == "place")


if __name__ == "__main__":
    main()
