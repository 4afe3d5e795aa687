#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: DAM contributors
# Apache License 2.0 (see https://www.apache.org/licenses/LICENSE-2.0)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
---
module: dam_report
short_description: Write rollout reports and the summary table on the controller
description:
  - Writes each report as C(DIR/HOST.json), then rewrites C(DIR/summary.txt), one line per report in the folder.
  - Runs on the controller (an action plugin): no connection and no Python process per report. Run it once for
    a batch (C(run_once)) with every host's report.
  - Never reports C(changed): the reports are the controller's bookkeeping, not a change to a host.
version_added: "2.0.0"
options:
  dir:
    description: The report folder on the controller; made when missing.
    type: path
    required: true
  reports:
    description: The reports to write, each a dict with at least C(host), C(ok), C(changed), C(durationSeconds), C(after) and C(error).
    type: list
    elements: dict
    required: true
author:
  - DAM contributors
"""

EXAMPLES = r"""
- name: Write the batch's reports and the summary
  dam.fleet.dam_report:
    dir: "{{ playbook_dir }}/dam-reports"
    reports: "{{ ansible_play_batch | map('extract', hostvars, '_dam_report') | list }}"
  run_once: true
"""

RETURN = r"""
summary:
  description: The summary table, one line per host report in the folder, then a count of the hosts that are ok.
  returned: success
  type: list
  elements: str
"""
