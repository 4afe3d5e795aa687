# -*- coding: utf-8 -*-
# Copyright: DAM contributors
# Apache License 2.0 (see https://www.apache.org/licenses/LICENSE-2.0)

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ModuleDocFragment(object):
    # The options every module of the collection takes: which dam, which state directory, which engine.
    DOCUMENTATION = r"""
options:
  dam_path:
    description: The dam executable on the managed host.
    type: str
    default: dam
  home:
    description: DAM's state directory on the managed host (C(--home)); DAM's default (C(/var/lib/dam) for root) when omitted.
    type: path
  docker_host:
    description: The engine DAM uses (C(DOCKER_HOST)); the default socket when omitted.
    type: str
notes:
  - The modules run C(dam ... --json) on the managed host and need DAM 2 there (the C(dam_rollout) role puts it there).
  - On failure the result has C(dam_error) with DAM's stable error code, its message and its hint.
"""

    # The options of the modules that install or import: the network, the trust policy, the scripts.
    LIFECYCLE = r"""
options:
  offline:
    description: Never touch the network (C(--offline)).
    type: bool
    default: false
  allow_downgrade:
    description: Accept a signed archive or product older than the newest this host accepted from the same key. Recorded by DAM.
    type: bool
    default: false
  insecure_allow_unsigned:
    description: Accept an archive or product without a valid signature from a trusted key. Recorded by DAM.
    type: bool
    default: false
  script_timeout:
    description: Kill an app's install or uninstall script after this many seconds.
    type: int
"""
