# -*- coding: utf-8 -*-
# Copyright: DAM contributors
# Apache License 2.0 (see https://www.apache.org/licenses/LICENSE-2.0)
"""Runs `dam ... --json` on the managed host and turns its answers into module results.

Every module of the collection goes through DamRunner, so that the same options (which dam, which state
directory, which engine) mean the same thing everywhere, and a DAM failure always reaches the play as DAM's
own error code, message and hint.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import re

# Options every module takes, merged into each module's argument_spec.
COMMON_ARGS = dict(
    dam_path=dict(type="str", default="dam"),
    home=dict(type="path"),
    docker_host=dict(type="str"),
)


class DamFailure(Exception):
    """A dam command that exited non-zero: DAM's stable code, message and hint."""

    def __init__(self, code, message, hint, rc, argv):
        super(DamFailure, self).__init__(message)
        self.code = code
        self.message = message
        self.hint = hint
        self.rc = rc
        self.argv = argv


_ERROR_LINE = re.compile(r"^(?:\x1b\[[0-9;]*m)?error:(?:\x1b\[[0-9;]*m)?\s*(.*)$")
_HINT_LINE = re.compile(r"^(?:\x1b\[[0-9;]*m)?hint:(?:\x1b\[[0-9;]*m)?\s*(.*)$")
_CODE_LINE = re.compile(r"\bcode ([A-Z_]+)\b")


def parse_failure(rc, stdout, stderr, argv):
    """DAM's error, from the `{"error": {...}}` document on stdout when there is one, else from stderr."""
    try:
        doc = json.loads(stdout) if stdout and stdout.strip() else None
    except ValueError:
        doc = None
    if isinstance(doc, dict) and isinstance(doc.get("error"), dict):
        err = doc["error"]
        return DamFailure(err.get("code") or "UNKNOWN", err.get("message") or "dam failed", err.get("hint"), rc, argv)
    message, hint, code = None, None, None
    for line in (stderr or "").splitlines():
        m = _ERROR_LINE.match(line)
        if m and message is None:
            message = m.group(1)
            c = re.match(r"^\[?([A-Z_]{3,})\]?[: ]\s*(.*)$", message)
            if c:
                code, message = c.group(1), c.group(2)
            continue
        m = _HINT_LINE.match(line)
        if m and hint is None:
            hint = m.group(1)
            continue
        m = _CODE_LINE.search(line)
        if m and code is None:
            code = m.group(1)
    if message is None:
        message = (stderr or stdout or "dam exited with status %d" % rc).strip().splitlines()[-1]
    return DamFailure(code or ("USAGE" if rc == 2 else "FAILED"), message, hint, rc, argv)


class DamRunner(object):
    """Builds and runs dam command lines for one module invocation."""

    def __init__(self, module):
        self.module = module
        params = module.params
        self.dam = params.get("dam_path") or "dam"
        self.home = params.get("home")
        self.environ = {}
        if params.get("docker_host"):
            self.environ["DOCKER_HOST"] = params["docker_host"]

    def argv(self, args):
        argv = [self.dam]
        if self.home:
            argv += ["--home", self.home]
        return argv + list(args)

    def run(self, args, data=None, json_out=True):
        """Runs dam; returns the parsed JSON (or the text when json_out is False); raises DamFailure."""
        argv = self.argv(list(args) + (["--json"] if json_out else []))
        rc, out, err = self.module.run_command(
            argv,
            data=data,
            binary_data=True,
            environ_update=dict(self.environ, NO_COLOR="1"),
            check_rc=False,
        )
        if rc != 0:
            raise parse_failure(rc, out, err, argv)
        if not json_out:
            return out
        try:
            return json.loads(out) if out.strip() else None
        except ValueError:
            raise DamFailure("BAD_OUTPUT", "dam printed something that is not JSON: %s" % out[:200], "Check that dam_path names DAM 2 or newer.", rc, argv)

    def call(self, body, **on_failure):
        """body(); on a DamFailure, ends the module with DAM's error (and `on_failure` in the result).

        The failure is reported outside the except clause, so no Python traceback reaches the result.
        """
        failure = None
        try:
            return body()
        except DamFailure as caught:
            failure = caught
        self.fail(failure, **on_failure)

    def fail(self, failure, **result):
        """Ends the module with DAM's error: code, message and hint, and the command that failed."""
        self.module.fail_json(
            msg="%s%s" % (failure.message, (" (hint: %s)" % failure.hint) if failure.hint else ""),
            dam_error=dict(code=failure.code, message=failure.message, hint=failure.hint),
            rc=failure.rc,
            cmd=[a for a in failure.argv],
            **result
        )

    def installed(self):
        """The installed apps, {name: [versions]} from `dam list --json`."""
        apps = self.run(["list"]) or []
        if isinstance(apps, dict):
            apps = apps.get("apps", [])
        found = {}
        for app in apps:
            found.setdefault(app["name"], []).append(app["version"])
        return found
