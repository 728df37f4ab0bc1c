# -*- coding: utf-8 -*-
# Copyright (c) pbxops.pbx contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Filters of the tenant roles and playbooks; each is documented in its own .yml file here."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible.errors import AnsibleFilterError

from ansible_collections.pbxops.pbx.plugins.module_utils._client import PbxError
from ansible_collections.pbxops.pbx.plugins.plugin_utils import tenant_definition


def tenant_definition_check(definition, platform):
    return tenant_definition.check(definition, platform)


def tenant_definition_from_info(info):
    if not isinstance(info, dict):
        raise AnsibleFilterError("tenant_definition_from_info takes the registered result of pbx_info, got %s"
                                 % type(info).__name__)
    return tenant_definition.from_info(info)


def tenant_definition_migrate(definition, source, target, defaults=None, models=None, generate_secrets=False):
    try:
        return tenant_definition.migrate(definition, source, target, defaults, models, generate_secrets)
    except PbxError as exc:
        raise AnsibleFilterError(exc.msg)


def tenant_changes(results):
    return tenant_definition.changes(results)


def tenant_drift_entries(results, hosts):
    return tenant_definition.drift_entries(results, hosts)


def tenant_drift_markdown(report):
    return tenant_definition.drift_markdown(report)


class FilterModule(object):
    def filters(self):
        return {
            "tenant_definition_check": tenant_definition_check,
            "tenant_definition_from_info": tenant_definition_from_info,
            "tenant_definition_migrate": tenant_definition_migrate,
            "tenant_changes": tenant_changes,
            "tenant_drift_entries": tenant_drift_entries,
            "tenant_drift_markdown": tenant_drift_markdown,
        }
