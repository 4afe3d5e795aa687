# -*- coding: utf-8 -*-
# Copyright: DAM contributors
# Apache License 2.0 (see https://www.apache.org/licenses/LICENSE-2.0)
"""Brings a bundle and its signature to a host, in one module call when the host has them already.

ansible.builtin.copy hashes a 200 MB bundle with SHA-1 on the controller for every host, makes several SSH
round trips per file, and hashes what arrived twice more (SHA-1 and MD5). Here the controller's SHA-256 is
computed once per run for all hosts, the host hashes only a file of the same size, and a file that is sent is
not hashed on arrival: `dam import` checks the signature and every blob's digest, so a damaged copy is refused
there (and the next run, seeing a different hash, sends the file again).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import errno
import fcntl
import hashlib
import json
import os
import shlex

from ansible import constants as C
from ansible.errors import AnsibleError
from ansible.module_utils.common.text.converters import to_native
from ansible.module_utils.six import string_types
from ansible.plugins.action import ActionBase
from ansible_collections.dam.fleet.plugins.module_utils.files import sha256_of

MODULE = "dam.fleet.dam_bundle_copy"


class CopyFailed(Exception):
    """A failure the play shows as its message (naming the file), not as a Python traceback."""

    def __init__(self, msg, result=None):
        super(CopyFailed, self).__init__(msg)
        self.result = dict(result or {}, failed=True, msg=msg)


def sha256_once(path):
    """The file's SHA-256, computed by the first worker of this run and read from a cache by the others.

    Each host's task runs in its own forked worker, so an in-memory cache would not be shared. The cache lives in
    the run's own temporary folder (removed when ansible-playbook ends), keyed by path, size and mtime, and a
    lock makes the other workers wait for the one hashing instead of hashing the same file at the same time.
    """
    st = os.stat(path)
    key = hashlib.sha256(("%s\0%d\0%d" % (os.path.realpath(path), st.st_size, st.st_mtime_ns)).encode("utf-8")).hexdigest()
    cache = os.path.join(C.DEFAULT_LOCAL_TMP, "dam-sha256-%s" % key[:32])
    with open(cache + ".lock", "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            with open(cache) as f:
                return f.read().strip()
        except IOError as err:
            if err.errno != errno.ENOENT:
                raise
        digest = sha256_of(path)
        with open(cache + ".part", "w") as f:
            f.write(digest)
        os.rename(cache + ".part", cache)
        return digest


class ActionModule(ActionBase):
    TRANSFERS_FILES = True
    _VALID_ARGS = frozenset(("src", "dest"))

    def run(self, tmp=None, task_vars=None):
        result = super(ActionModule, self).run(tmp, task_vars)
        del tmp
        try:
            result.update(self._copy(task_vars))
        except CopyFailed as failure:
            result.update(failure.result)
        finally:
            self._remove_tmp_path(self._connection._shell.tmpdir)
        return result

    def _sources(self):
        src, dest = self._task.args.get("src"), self._task.args.get("dest")
        sources = [src] if isinstance(src, string_types) else src
        if not sources or not isinstance(sources, list) or not dest:
            raise CopyFailed("dam_bundle_copy needs src (a file on the controller, or a list of them) and dest (a folder on the host)")
        found = []
        for source in sources:
            try:
                path = self._find_needle("files", source)
            except AnsibleError:
                raise CopyFailed("the file to copy, %s, is not on the controller: give the path of a file there "
                                 "(a relative one is looked for in the role's files/ and next to the playbook)" % source)
            if not os.path.isfile(path):
                raise CopyFailed("the file to copy, %s, is not a regular file on the controller" % path)
            found.append(path)
        return found, dest

    def _module(self, task_vars, **args):
        out = self._execute_module(module_name=MODULE, module_args=args, task_vars=task_vars)
        if out.get("failed"):
            raise CopyFailed(out.get("msg") or json.dumps(out), out)
        return out

    def _place(self, sent):
        """Sent straight into the folder: one shell command renames each file into place, with no module run."""
        q = shlex.quote
        cmd = " && ".join(
            "chmod 0644 %s && mv -f %s %s" % (q(f["temp"]), q(f["temp"]), q(f["path"])) for f in sent
        )
        out = self._low_level_execute_command(cmd)
        if out.get("rc") != 0:
            raise CopyFailed(
                "could not rename %s into place on the host: %s"
                % (", ".join(f["path"] for f in sent), to_native(out.get("stderr") or out.get("stdout") or "")).strip()
            )

    def _copy(self, task_vars):
        sources, dest = self._sources()
        files = []
        for path in sources:
            try:
                files.append(dict(name=os.path.basename(path), size=os.path.getsize(path), sha256=sha256_once(path)))
            except (IOError, OSError) as err:
                raise CopyFailed("could not read %s on the controller: %s" % (path, to_native(err)))
        # Under become the module runs as another user than the one sftp logs in as, who may not write in the folder:
        # the file goes to Ansible's temporary folder first, as ansible.builtin.copy does.
        direct = not self._play_context.become
        local = dict((f["name"], p) for f, p in zip(files, sources))
        compared = self._module(task_vars, dest=dest, files=files, direct=direct)
        sent = [f for f in compared["files"] if f["changed"] and not self._task.check_mode]
        for f in sent:
            if not direct:
                f["temp"] = self._connection._shell.join_path(self._connection._shell.tmpdir or self._make_tmp_path(), f["name"])
            try:
                self._transfer_file(local[f["name"]], f["temp"])
            except AnsibleError as err:
                self._module(task_vars, dest=dest, step="discard", files=[s for s in sent if s.get("temp")])
                raise CopyFailed("could not send %s to %s on the host (is there space in %s?): %s" % (local[f["name"]], f["path"], dest, to_native(err)))
        if sent and not direct:
            self._fixup_perms2([f["temp"] for f in sent], execute=False)
        if sent and direct:
            self._place(sent)
        elif sent:
            self._module(task_vars, dest=dest, step="place", files=sent)
        for f in compared["files"]:
            f.pop("temp", None)
        return dict(changed=compared["changed"], files=compared["files"])
