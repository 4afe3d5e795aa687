# -*- coding: utf-8 -*-
# Copyright: DAM contributors
# Apache License 2.0 (see https://www.apache.org/licenses/LICENSE-2.0)
"""Writes rollout reports and the summary table on the controller.

An action plugin, not a module: the files are the controller's, so writing them here needs no Python process
and no connection per report, which a module delegated to localhost would cost for every host.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import glob
import json
import os
import tempfile

from ansible.errors import AnsibleActionFail
from ansible.plugins.action import ActionBase

ROW = "%-24s %-7s %-8s %8s  %-32s %s"


def write_atomically(path, text):
    """The whole file or the old one: a reader (or the next play) never sees half a report."""
    fd, tmp = tempfile.mkstemp(dir=os.path.dirname(path), prefix=".dam-report-")
    try:
        with os.fdopen(fd, "w") as out:
            out.write(text)
        os.chmod(tmp, 0o644)
        os.rename(tmp, path)
    except BaseException:
        os.unlink(tmp)
        raise


def error_text(report):
    error = report.get("error") or {}
    return ("[%s] %s" % (error.get("code"), error.get("message"))).replace("\n", " ")


def summary_lines(reports):
    lines = [ROW % ("HOST", "RESULT", "CHANGED", "SECONDS", "APPS AFTER", "ERROR")]
    for r in reports:
        lines.append(ROW % (r["host"], "ok" if r["ok"] else "FAILED", "yes" if r["changed"] else "no", r["durationSeconds"],
                            ",".join(r["after"]), "" if r["ok"] else error_text(r)))
    lines.append("%d of %d hosts ok." % (sum(1 for r in reports if r["ok"]), len(reports)))
    return lines


class ActionModule(ActionBase):
    TRANSFERS_FILES = False
    _VALID_ARGS = frozenset(("dir", "reports"))

    def run(self, tmp=None, task_vars=None):
        result = super(ActionModule, self).run(tmp, task_vars)
        folder = self._task.args.get("dir")
        reports = self._task.args.get("reports") or []
        if not folder or not isinstance(reports, list):
            raise AnsibleActionFail("dam_report needs dir (a folder on the controller) and reports (a list of host reports)")
        try:
            os.makedirs(folder, exist_ok=True)
            for report in reports:
                write_atomically(os.path.join(folder, "%s.json" % report["host"]), json.dumps(report, indent=4, sort_keys=True) + "\n")
            everyone = []
            for path in sorted(glob.glob(os.path.join(folder, "*.json"))):
                with open(path) as f:
                    everyone.append(json.load(f))
            lines = summary_lines(everyone)
            write_atomically(os.path.join(folder, "summary.txt"), "\n".join(lines) + "\n")
        except (OSError, ValueError, KeyError) as err:
            raise AnsibleActionFail("could not write the rollout reports in %s: %s" % (folder, err))
        result.update(changed=False, summary=lines)
        return result
