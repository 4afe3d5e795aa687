# -*- coding: utf-8 -*-
# Copyright: DAM contributors
# Apache License 2.0 (see https://www.apache.org/licenses/LICENSE-2.0)
"""File hashing shared by the controller (the action plugins) and the hosts (the modules)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import hashlib

CHUNK = 1024 * 1024


def sha256_of(path):
    """The file's SHA-256 in hex, read a megabyte at a time (a bundle is hundreds of megabytes)."""
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(CHUNK), b""):
            digest.update(block)
    return digest.hexdigest()
