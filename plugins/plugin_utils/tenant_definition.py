# -*- coding: utf-8 -*-
# Copyright (c) pbxops.pbx contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Tenant definitions: what the tenant_onboarding role takes, checked, exported and migrated on the
controller, without a request to any PBX.

A definition is one dict: ``tenant`` (the pbx_tenant options of the tenant) and one list per kind in
the shape of that kind's module list option (``gateways``, ``extensions``, ``callgroups``, ``phones``,
``erls``). A kind that is absent is not managed; a kind given (even as an empty list) is.

The checks are the modules' own (their field tables and their drivers' pre-request validation), run
for every kind before the first kind is applied, so that a bad phone does not fail the play after the
extensions were written.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import copy
import json
import random
import string

from ansible_collections.pbxops.pbx.plugins.module_utils._client import MASK, PbxError
from ansible_collections.pbxops.pbx.plugins.module_utils._fields import RESOURCES
from ansible_collections.pbxops.pbx.plugins.module_utils._module import (
    DRIVERS, ListItems, check_options, desired_items)

# In dependency order: what a kind refers to is applied before it.
KINDS = (("tenant", "tenant"), ("gateways", "gateway"), ("extensions", "extension"), ("callgroups", "callgroup"),
         ("phones", "phone"), ("erls", "erl"))
LISTS = tuple(plural for plural, _kind in KINDS[1:])
KIND_OF = dict(KINDS)


class _Offline:
    """The client of a driver that only validates: any request would be a bug."""

    warnings = []

    def request(self, *args, **kwargs):
        raise PbxError("internal error: a tenant definition is checked without requests")


def _handler(platform, kind, tenant):
    driver = DRIVERS[platform](_Offline(), {"platform": platform, "tenant": tenant})
    return driver.kind(kind)


def _reason(platform, kind):
    driver = DRIVERS[platform]
    return driver.NO_API.get(kind, "%s has no API for %ss" % (driver.label, RESOURCES[kind].title))


def _numbers(members):
    for member in members or []:
        yield str(member.get("number") if isinstance(member, dict) else member).strip()


def check(definition, platform):
    """The plan of a definition on a platform: {"platform", "errors": [...], "apply": [plural, ...], "skipped": [...],
    "tenant_writable": bool, "unmanaged": [plural, ...], "pbx_wide": [plural, ...], "pbx_wide_notes": [...]}.
    unmanaged: the kinds the platform has that the definition leaves out (not managed).

    errors name the item (extensions[3]) and say what to do; apply lists the kinds to converge in
    dependency order; skipped says, for each kind the platform has no API for, why it is left alone."""
    errors, apply, skipped, pbx_wide = [], [], [], []
    refused = {"platform": platform, "apply": [], "skipped": [], "tenant_writable": False, "unmanaged": [],
               "pbx_wide": [], "pbx_wide_notes": []}
    if platform not in DRIVERS:
        return dict(refused, errors=["platform must be one of %s, got %r" % (", ".join(sorted(DRIVERS)), platform)])
    label = DRIVERS[platform].label
    if not isinstance(definition, dict):
        return dict(refused, errors=["the tenant definition must be a dictionary (tenant, extensions, phones, ...), "
                                     "got %s" % type(definition).__name__])
    unknown = sorted(str(k) for k in definition if k not in KIND_OF)
    if unknown:
        errors.append("unknown key%s %s in the tenant definition (it takes: %s)"
                      % ("s" if len(unknown) > 1 else "", ", ".join(unknown), ", ".join(k for k, _kind in KINDS)))
    tenant = definition.get("tenant")
    name = None
    if not isinstance(tenant, dict) or not str(tenant.get("name") or "").strip():
        errors.append("tenant: the definition needs tenant.name (the %s tenant that holds everything else)"
                      % label)
    else:
        name = str(tenant["name"]).strip()
    keys = {}
    for plural, kind in KINDS:
        value = definition.get(plural)
        if value is None:
            if kind not in DRIVERS[platform].KINDS and plural != "tenant":
                skipped.append("%s: not managed on %s (%s)" % (plural, label, _reason(platform, kind)))
            continue
        if kind not in DRIVERS[platform].KINDS:
            if value == []:
                skipped.append("%s: not managed on %s (%s)" % (plural, label, _reason(platform, kind)))
            else:
                errors.append("%s: %s; remove %s from the definition of tenant %s" % (
                    plural, _reason(platform, kind), plural, name))
            continue
        if plural == "tenant":
            value = [value] if isinstance(value, dict) else value
        elif not isinstance(value, list):
            errors.append("%s must be a list of %s options, got %s" % (plural, RESOURCES[kind].title,
                                                                       type(value).__name__))
            continue
        handler = _handler(platform, kind, name)
        items = _check_items(handler, plural, value, name, errors)
        if items is not None:
            keys[plural] = items
            apply.append(plural)
            if plural != "tenant" and handler.whole_pbx(name):
                pbx_wide.append(plural)
    if not errors:
        _check_references(keys, errors)
    no_write = getattr(DRIVERS[platform].KINDS.get("tenant"), "NO_WRITE", None)
    if no_write:
        skipped.append("tenant: checked, never created or removed (%s)" % no_write)
    unmanaged = [plural for plural in LISTS if plural not in definition and KIND_OF[plural] in DRIVERS[platform].KINDS]
    return {"platform": platform, "errors": errors, "apply": apply, "skipped": skipped,
            "tenant_writable": not no_write, "unmanaged": unmanaged,
            "pbx_wide": pbx_wide,
            "pbx_wide_notes": ["%s: %s %ss are PBX-wide, in no tenant: a purge for tenant %s would reach other "
                               "tenants' too, so none is made; only those the definition names are added or removed"
                               % (plural, DRIVERS[platform].label, RESOURCES[KIND_OF[plural]].title, name)
                               for plural in pbx_wide]}


def _check_items(handler, plural, value, tenant, errors):
    resource = handler.resource
    try:
        items = desired_items(resource, {resource.plural: value, "state": "present"}, ListItems(resource))
        check_options(handler, items)
        for item in items:
            handler.validate(item, tenant)
    except PbxError as exc:
        msg = exc.msg.replace("tenants[0]", "tenant") if plural == "tenant" else exc.msg
        errors.append(msg if msg.startswith(plural) else "%s: %s" % (plural, msg))
        return None
    return items


def _check_references(keys, errors):
    """What phones, call groups and ERLs name must be declared, and a number dials one thing."""
    if "extensions" not in keys:
        return  # extensions not managed here: they exist on the PBX or not, the modules will say
    numbers = set(item["number"] for item in keys["extensions"] if item.get("state") != "absent")
    aliases = {}
    for item in keys["extensions"]:
        for alias in item.get("aliases") or []:
            aliases.setdefault(str(alias), item["number"])
    for index, group in enumerate(keys.get("callgroups", [])):
        where = "callgroups[%d] (call group %s)" % (index, group["number"])
        if group["number"] in numbers:
            errors.append("%s: %s is also an extension number; a number dials one thing" % (where, group["number"]))
        for number in _numbers(group.get("members")):
            if number not in numbers:
                errors.append("%s: member %s is not an extension of this definition; add it to extensions"
                              % (where, number))
    for index, phone in enumerate(keys.get("phones", [])):
        where = "phones[%d] (phone %s)" % (index, phone["mac"])
        named = list(phone.get("extensions") or []) + [p.get("extension") for p in phone.get("ports") or []
                                                       if p.get("extension")]
        for number in named:
            if str(number) not in numbers:
                errors.append("%s: extension %s is not an extension of this definition; add it to extensions"
                              % (where, number))
    for index, erl in enumerate(keys.get("erls", [])):
        where = "erls[%d] (ERL %s)" % (index, erl["elin"])
        for number in erl.get("users") or []:
            if str(number) not in numbers:
                errors.append("%s: user %s is not an extension of this definition; add it to extensions"
                              % (where, number))
    for number, owner in sorted(aliases.items()):
        if number in numbers and number != owner:
            errors.append("extensions: %s is both an extension and an alias of extension %s" % (number, owner))


def from_info(info):
    """The definition of the tenant a pbx_info result read: what onboarding takes to change nothing."""
    definition = {}
    name = info.get("tenant")
    for entry in info.get("tenants") or []:
        if name is None or str(entry.get("name", "")).lower() == str(name).lower():
            definition["tenant"] = dict(entry)
            break
    else:
        if name is not None:
            definition["tenant"] = {"name": name}
    for plural in LISTS:
        if plural in info:
            definition[plural] = copy.deepcopy(info[plural])
    return definition


# How an option of one platform is said on another, where they differ in name only.
def _map_names(kind, item, supported):
    if kind != "extension":
        return
    if "name" in supported and "name" not in item and ("first_name" in item or "last_name" in item):
        item["name"] = " ".join(str(item[k]) for k in ("first_name", "last_name") if item.get(k))
    if "first_name" in supported and "first_name" not in item and item.get("name"):
        first, _sep, last = str(item["name"]).partition(" ")
        item["first_name"] = first
        if last:
            item["last_name"] = last


def migrate(definition, source, target, defaults=None, models=None, generate_secrets=False):
    """A source platform's definition as the target platform holds it.

    Returns {"definition": ..., "shown": (it with secrets masked), "carried": {plural: count},
    "not_carried": [lines]}: not_carried lists,
    by kind and option, what the target cannot hold (with the objects it concerns) and the objects
    left out entirely with the reason, so an operator reads the whole loss before any write.
    defaults: per kind ("tenant", "extensions", ...) options the target needs that the source lacks
    (a PortSIP tenant's domain); models: source model -> target model; generate_secrets: give the secrets a
    create needs (no export carries any) random values, rather than leaving the objects out."""
    defaults = defaults or {}
    models = models or {}
    for name in (source, target):
        if name not in DRIVERS:
            raise PbxError("platform must be one of %s, got %r" % (", ".join(sorted(DRIVERS)), name))
    label = DRIVERS[target].label
    out, carried, lost, generated = {}, {}, [], {}
    tenant_name = (definition.get("tenant") or {}).get("name")
    dropped_keys = {}
    for plural, kind in KINDS:
        value = definition.get(plural)
        if value is None:
            continue
        items = [value] if plural == "tenant" else value
        if kind not in DRIVERS[target].KINDS:
            if items:
                lost.append("%s: all %d left out: %s" % (plural, len(items), _reason(target, kind)))
            dropped_keys[plural] = set(_key(kind, i) for i in items)
            continue
        handler = _handler(target, kind, tenant_name)
        supported = set(handler.OPTIONS) | set([RESOURCES[kind].key, "state"])
        options_lost, model_lost, member_lost = {}, {}, {}
        kept = []
        for raw in items:
            item = copy.deepcopy(raw)
            if kind == "phone" and source != target and item.get("model") is not None:
                model = item.get("model")
                if model in models:
                    item["model"] = models[model]
                else:
                    lost.append("phones: %s left out: model %s has no %s model in the model map (give "
                                "models: {%s: <%s model>})" % (_key(kind, item), model, label, model, label))
                    dropped_keys.setdefault(plural, set()).add(_key(kind, item))
                    continue
            _map_names(kind, item, supported)
            for option in list(item):
                if _empty(item[option]) and option != RESOURCES[kind].key:
                    del item[option]  # nothing to carry, nothing lost
            if kind == "callgroup" and item.get("members"):
                item["members"] = _map_members(item, handler, member_lost)
            for option, which in sorted(handler.MODEL_DEPENDENT.items()):
                if option in item and source != target:
                    model_lost.setdefault((option, which), []).append(_key(kind, item))
                    del item[option]
            for option in sorted(set(item) - supported):
                if kind == "extension" and option in ("first_name", "last_name", "name") and (
                        item.get("name") and "name" in supported or item.get("first_name") and "first_name" in supported):
                    del item[option]  # _map_names said it in the target's own words
                    continue
                options_lost.setdefault(option, []).append(_key(kind, item))
                del item[option]
            for option, value_default in (defaults.get(plural) or {}).items():
                if option in supported and item.get(option) in (None, ""):
                    item[option] = value_default
            missing = [o for o in handler.REQUIRED_ON_CREATE if item.get(o) in (None, "")]
            drawn = [o for o in missing if o in RESOURCES[kind].secrets] if generate_secrets else []
            for option in drawn:
                generated.setdefault(plural, {}).setdefault(option, 0)
                generated[plural][option] += 1
            missing = [o for o in missing if o not in drawn]
            if missing:
                problem = "%s needs %s to create it; give %s in the defaults for %s" % (
                    label, ", ".join(missing), "them" if len(missing) > 1 else "it", plural)
            else:
                problem = _validate(handler, item, tenant_name, drawn)
            if problem:
                if plural == "tenant":
                    raise PbxError("tenant %s cannot be created on %s: %s" % (tenant_name, label, problem))
                lost.append("%s: %s left out: %s" % (plural, _key(kind, item), problem))
                dropped_keys.setdefault(plural, set()).add(_key(kind, item))
                continue
            kept.append(item)
        for (option, which), keys in sorted(model_lost.items()):
            lost.append("%s: option %s is held by %s %s only, dropped from %s (set it again on those that are)"
                        % (plural, option, label, which, _list(keys)))
        for field, keys in sorted(member_lost.items()):
            lost.append("%s: member option %s is not held by %s, dropped from the members of %s"
                        % (plural, field, label, _list(sorted(set(keys)))))
        for option, count in sorted(generated.get(plural, {}).items()):
            lost.append("%s: %s not carried (no export holds secrets): a random one was generated for %d, which "
                        "nobody knows; set new ones on %s to hand out" % (plural, option, count, label))
        for option, keys in sorted(options_lost.items()):
            lost.append("%s: option %s is not held by %s, dropped from %s" % (
                plural, option, label, _list(keys)))
        out[plural] = kept[0] if plural == "tenant" else kept
        carried[plural] = len(kept)
    _drop_references(out, dropped_keys, lost)
    return {"definition": out, "shown": masked(out), "carried": carried, "not_carried": lost}


def masked(definition):
    """A definition with its secrets shown as ********, to write to a report."""
    out = {}
    for plural, value in definition.items():
        resource = RESOURCES[KIND_OF[plural]]
        items = [resource.public(item) for item in ([value] if plural == "tenant" else value)]
        out[plural] = items[0] if plural == "tenant" else items
    return out


def _empty(value):
    if isinstance(value, dict):
        return all(_empty(v) for v in value.values())
    return value is None or value == "" or value == []


def _map_members(item, handler, lost):
    """Members in the target's words: a plain number when it has no per-member options to hold."""
    out = []
    for member in item["members"]:
        if not isinstance(member, dict):
            out.append(member)
            continue
        kept = dict((k, v) for k, v in member.items() if k == "number" or k in handler.MEMBER_FIELDS)
        for field in sorted(set(member) - set(kept)):
            if member[field] is not None:
                lost.setdefault(field, []).append(_key("callgroup", item))
        out.append(kept if len(kept) > 1 else kept["number"])
    return out


def _validate(handler, item, tenant, drawn):
    """The target's refusal of an item, or None; the secrets named in drawn are drawn at random until the
    platform's policy takes them (a PortSIP PIN must not hold 123 or 111)."""
    resource = handler.resource
    problem = None
    for _attempt in range(50):
        for option in drawn:
            item[option] = _random_secret(resource.options[option])
        try:
            checked = desired_items(resource, {resource.plural: [item], "state": "present"})
            handler.validate(checked[0], tenant)
            return None
        except PbxError as exc:
            problem = exc.msg
            if not drawn:
                break
    return problem


def _random_secret(option):
    rand = random.SystemRandom()
    if option.digits:
        return "".join(rand.choice("0123456789") for _i in range(8))
    alphabet = string.ascii_letters + string.digits
    return "".join(rand.choice(alphabet) for _i in range(20)) + "-7a"


def _drop_references(out, dropped, lost):
    """Members and lines naming an extension the target does not get are dropped too, and said."""
    gone = dropped.get("extensions", set())
    if not gone:
        return
    for group in out.get("callgroups", []):
        members = group.get("members") or []
        keep = [m for m in members if str(m.get("number") if isinstance(m, dict) else m) not in gone]
        if len(keep) != len(members):
            lost.append("callgroups: call group %s loses members %s (not carried)" % (
                group["number"], _list(sorted(set(_numbers(members)) & gone))))
            group["members"] = keep
    for phone in out.get("phones", []):
        lines = phone.get("extensions") or []
        keep = [n for n in lines if str(n) not in gone]
        if len(keep) != len(lines):
            lost.append("phones: phone %s loses lines %s (not carried)" % (phone["mac"], _list(
                sorted(set(map(str, lines)) & gone))))
            phone["extensions"] = keep


def _key(kind, item):
    return str(item.get(RESOURCES[kind].key))


def _list(keys, limit=10):
    keys = list(keys)
    text = ", ".join(keys[:limit])
    return text + (" and %d more" % (len(keys) - limit) if len(keys) > limit else "")


def changes(results):
    """Per kind, from the registered results of the role's tasks: counts, and what differs.

    results: {plural: a module result}. Returns {plural: {"created", "changed", "removed", "unchanged",
    "differences": [{"key", "action", "fields": {option: {"before", "after"}}}]}}; secrets stay masked."""
    out = {}
    for plural, result in results.items():
        if not isinstance(result, dict) or result.get("skipped") or "summary" not in result:
            continue
        summary = result["summary"]
        kind = KIND_OF[plural]
        key = RESOURCES[kind].key
        differences = []
        for obj in result.get("objects") or []:
            before, after = obj.get("before") or {}, obj.get("after") or {}
            fields = {}
            if obj.get("action") not in ("deleted", "created"):
                for option in sorted(set(before) | set(after)):
                    if before.get(option) != after.get(option) and (option in after or obj.get("action") == "deleted"):
                        fields[option] = {"before": before.get(option), "after": after.get(option)}
            differences.append({"key": obj.get(key), "action": obj.get("action"), "fields": fields})
        counts = {"created": summary.get("created", 0),
                  "changed": summary.get("updated", 0) + summary.get("replaced", 0),
                  "removed": summary.get("deleted", 0), "unchanged": summary.get("unchanged", 0)}
        counts["text"] = "%(created)d created, %(changed)d changed, %(removed)d removed, %(unchanged)d unchanged" % counts
        counts["differences"] = differences
        out[plural] = counts
    return out


def drift_entries(results, hosts):
    """One report entry per PBX: its onboarding result, or why it has none (the play failed there)."""
    out = []
    for host, result in zip(hosts, results):
        if isinstance(result, dict) and result.get("kinds") is not None:
            out.append(dict(result, drift=sum(k["created"] + k["changed"] + k["removed"]
                                              for k in result["kinds"].values())))
        else:
            out.append({"pbx": host, "failed": "not compared: the play failed on this PBX (the job output says why)"})
    return out


def drift_markdown(report):
    """The drift report as Markdown: report is a list of host entries (pbx, platform, tenant, kinds)."""
    lines = ["# Tenant drift report", ""]
    total = 0
    for entry in report:
        kinds = entry.get("kinds") or {}
        drift = sum(k["created"] + k["changed"] + k["removed"] for k in kinds.values())
        total += drift
        state = "%d difference%s" % (drift, "" if drift == 1 else "s") if drift else "as defined"
        lines.append("## %s (%s), tenant %s: %s" % (entry.get("pbx"), entry.get("platform"), entry.get("tenant"), state))
        lines.append("")
        if entry.get("failed"):
            lines.append("- could not be read: %s" % entry.get("failed"))
        for plural, kind in kinds.items():
            lines.append("- %s: %d to create, %d to change, %d to remove, %d as defined" % (
                plural, kind["created"], kind["changed"], kind["removed"], kind["unchanged"]))
            for diff in kind["differences"]:
                if diff["fields"]:
                    detail = "; ".join("%s: %s -> %s" % (o, _show(v["before"]), _show(v["after"]))
                                       for o, v in diff["fields"].items())
                    lines.append("  - %s %s: %s" % (diff["action"], diff["key"], detail))
                else:
                    lines.append("  - %s %s" % (diff["action"], diff["key"]))
        for line in entry.get("skipped") or []:
            lines.append("- %s" % line)
        lines.append("")
    lines.insert(2, "%d PBX%s, %d difference%s in all." % (
        len(report), "" if len(report) == 1 else "s", total, "" if total == 1 else "s"))
    lines.insert(3, "")
    return "\n".join(lines)


def _show(value):
    if value == MASK:
        return value
    return json.dumps(value, sort_keys=True)
