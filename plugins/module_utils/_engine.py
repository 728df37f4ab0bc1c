# -*- coding: utf-8 -*-
# Copyright (c) pbxops.pbx contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The one reconcile engine: desired vs current -> plan -> diff -> apply.

Check mode runs exactly the same code and stops before each write, so what it
reports is what a real run would do.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import time

from ansible_collections.pbxops.pbx.plugins.module_utils._client import AmbiguousWrite, PbxError
from ansible_collections.pbxops.pbx.plugins.module_utils._fields import MASK

VERB = {"create": "create", "update": "update", "delete": "delete", "none": "check"}
PAST = {"create": "created", "update": "updated", "delete": "deleted", "none": "unchanged"}


class Step:
    def __init__(self, key, action, item, current, changes=None):
        self.key = key
        self.action = action
        self.item = item
        self.current = current
        self.changes = changes or {}


class ApplyFailed(PbxError):
    """A write failed; says which objects were applied before it and which were not."""


def _restrict(desired, current):
    """The part of a (nested) current value that the user's value speaks about."""
    if isinstance(desired, dict) and isinstance(current, dict):
        return dict((k, _restrict(v, current.get(k))) for k, v in desired.items())
    return current


class Engine:
    def __init__(self, driver, resource, tenant=None, check_mode=False, update_password="on_create",
                 purge=False, retries=3, sleep=time.sleep):
        self.driver = driver
        self.resource = resource
        self.kind = resource.name
        self.tenant = tenant
        self.check_mode = check_mode
        self.update_password = update_password
        self.purge = purge
        self.retries = retries
        self.sleep = sleep

    # -- plan --------------------------------------------------------------------
    def plan(self, items):
        key = self.resource.key
        current = dict((obj[key], obj) for obj in self.driver.list(self.kind, self.tenant))
        steps = [self._step(item, current.get(item[key])) for item in items]
        if self.purge:
            named = set(item[key] for item in items)
            steps.extend(Step(k, "delete", None, obj) for k, obj in current.items() if k not in named)
        return steps

    def _step(self, item, current):
        key = item[self.resource.key]
        desired = dict((k, v) for k, v in item.items() if k != "state")
        if item.get("state", "present") == "absent":
            return Step(key, "delete" if current is not None else "none", desired, current)
        if current is None:
            self.driver.validate_create(self.kind, desired, self.tenant)
            return Step(key, "create", desired, None, dict(desired))
        wanted = set(desired) - self.resource.secrets
        current = self.driver.details(self.kind, self.tenant, current, wanted)
        changes = {}
        for name, value in desired.items():
            if name == self.resource.key:
                continue
            option = self.resource.options[name]
            if option.secret:
                # Secrets cannot be read back: never compared, written per update_password.
                if self.update_password == "always":
                    changes[name] = value
            elif not option.equal(value, current.get(name)):
                changes[name] = value
        return Step(key, "update" if changes else "none", desired, current, changes)

    # -- diff ----------------------------------------------------------------------
    def views(self, step):
        """(before, after) of the managed fields, secrets masked."""
        res = self.resource
        if step.action == "delete":
            return self._known(step.current), {}
        if step.action == "create":
            return {}, res.public(step.item)
        if step.current is None:  # absent and already gone
            return {}, {}
        before = {res.key: step.key}
        for name, value in step.item.items():
            if name in res.secrets or name == res.key:
                continue
            before[name] = _restrict(value, step.current.get(name))
        after = dict(before)
        for name, value in step.changes.items():
            after[name] = MASK if name in res.secrets else value
        return before, after

    def _known(self, current):
        """A PBX object in the options' terms. The raw API object behind api_fields is left
        out: it is the vendor's whole record, and some vendors return secrets in clear."""
        obj = self.resource.public(current)
        obj.pop("api_fields", None)
        return obj

    def result_object(self, step):
        """The object as it is (or, in check mode, would be) after the step."""
        res = self.resource
        if step.action == "delete" or (step.action == "none" and step.current is None):
            return {}
        if step.action == "create":
            return res.public(step.item)
        obj = self._known(step.current)
        for name, value in step.changes.items():
            obj[name] = MASK if name in res.secrets else value
        return obj

    # -- apply -------------------------------------------------------------------------
    def apply(self, steps):
        """Write what the plan says, deletes first (they free numbers and aliases)."""
        order = ([s for s in steps if s.action == "delete"] + [s for s in steps if s.action == "update"]
                 + [s for s in steps if s.action == "create"])
        if self.check_mode:
            return
        applied = []
        creates = [s.item for s in order if s.action == "create"]
        try:
            if creates:
                self.driver.prepare_create(self.kind, self.tenant, creates)
            for step in order:
                self._apply_one(step)
                applied.append(step)
        except PbxError as exc:
            failed = order[len(applied)] if len(applied) < len(order) else None
            raise self._failure(exc, failed, applied, order)

    def _apply_one(self, step):
        attempts = 0
        while True:
            try:
                if step.action == "create":
                    self.driver.create(self.kind, self.tenant, step.item)
                elif step.action == "update":
                    self.driver.update(self.kind, self.tenant, step.current, step.changes, step.item)
                elif step.action == "delete":
                    self.driver.delete(self.kind, self.tenant, step.current)
                return
            except AmbiguousWrite as exc:
                # The PBX may have applied it: look before sending anything again.
                attempts += 1
                if attempts > self.retries:
                    raise
                self.sleep(exc.retry_after if exc.retry_after is not None else min(0.5 * 2 ** (attempts - 1), 10))
                fresh = self.driver.get(self.kind, self.tenant, step.key)
                item = step.item if step.item is not None else {self.resource.key: step.key, "state": "absent"}
                if step.action == "delete":
                    item = dict(item, state="absent")
                redo = self._step(item, fresh)
                if redo.action == "none":
                    return
                step.action, step.current, step.changes = redo.action, redo.current, redo.changes

    def _failure(self, exc, failed, applied, order):
        title = self.resource.title
        if failed is None:
            where = "while preparing to create %d %ss" % (len([s for s in order if s.action == "create"]), title)
        else:
            where = "%s %s: could not %s it" % (title, failed.key, VERB[failed.action])
        done = [s.key for s in applied]
        pending = [s.key for s in order[len(applied):]]
        msg = "%s: %s" % (where, exc.msg)
        if len(order) > 1:
            msg += " (applied before the failure: %s; not applied: %s)" % (
                ", ".join(str(k) for k in done) or "none", ", ".join(str(k) for k in pending) or "none")
        return ApplyFailed(msg, applied=done, not_applied=pending)

    # -- the whole run -------------------------------------------------------------------
    def run(self, items):
        steps = self.plan(items)
        failure = None
        try:
            self.apply(steps)
        except ApplyFailed as exc:
            failure = exc
        return self.report(steps, failure)

    def report(self, steps, failure=None):
        summary = dict((v, 0) for v in PAST.values())
        objects, diffs = [], []
        for step in steps:
            before, after = self.views(step)
            summary[PAST[step.action]] += 1
            objects.append({self.resource.key: step.key, "action": PAST[step.action],
                            "before": before, "after": after})
            if step.action != "none":
                header = "%s %s" % (self.resource.title, step.key)
                diffs.append({"before": before, "after": after, "before_header": header, "after_header": header})
        if failure is not None:
            applied = set(failure.details.get("applied", ()))
            for obj in objects:
                if obj["action"] != "unchanged":
                    obj["applied"] = obj[self.resource.key] in applied
        return {
            "changed": any(s.action != "none" for s in steps) if failure is None
            else bool(failure.details.get("applied")),
            "summary": summary,
            "objects": objects,
            "diff": diffs,
            "steps": steps,
            "failure": failure,
        }
